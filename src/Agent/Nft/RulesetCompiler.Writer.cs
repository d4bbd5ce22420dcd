using System.Text;

namespace Gateway.Agent.Nft;

public static partial class RulesetCompiler
{
    /// <summary>
    /// Tab-indented lines, the way <c>nft list</c> prints them, written as a skeleton plus splice points for set
    /// elements and counter values (<see cref="CompiledTable"/>).
    /// </summary>
    private sealed class Writer(int capacity)
    {
        private readonly StringBuilder _text = new(capacity);
        private readonly List<CompiledTable.Splice> _splices = [];
        private readonly List<CompiledSet> _sets = [];

        public void Line() => _text.Append('\n');

        public void Line(string line) => _text.Append(line).Append('\n');

        public void Line(int depth, string line) => _text.Append('\t', depth).Append(line).Append('\n');

        /// <summary>A named counter object whose starting values are spliced in (<c>counter rule_7 { packets P bytes B }</c>).</summary>
        public void Counter(string name, int ruleId)
        {
            _text.Append('\t').Append("counter ").Append(name).Append(" {");
            _splices.Add(new(_text.Length, null, ruleId));
            _text.Append(" }\n");
        }

        /// <summary>A named quota object whose used bytes are spliced in (<c>quota quota_7 { until 200000 bytes used U bytes }</c>).</summary>
        public void Quota(string name, int ruleId, string limit)
        {
            _text.Append('\t').Append("quota ").Append(name).Append(" { ").Append(limit);
            _splices.Add(new(_text.Length, null, ruleId, Quota: true));
            _text.Append(" }\n");
        }

        /// <summary>A set or map with its elements one per line (no <c>elements</c> block when empty).</summary>
        public void Collection(string kind, string name, string type, string? flags, List<CompiledElement> elements)
        {
            Line(1, $"{kind} {name} {{");
            Line(2, type);
            if (flags is not null)
            {
                Line(2, flags);
            }

            var set = new CompiledSet(name, elements);
            _sets.Add(set);
            _splices.Add(new(_text.Length, set, 0));
            Line(1, "}");
        }

        public CompiledTable Build() => new(_text.ToString(), _splices, _sets);
    }
}
