using System.Reflection;
using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

/// <summary>
/// A restore reads each list item as its <c>Config*Input</c>: the item input's fields plus <c>id</c>. A field added to
/// an item input but not to its restore twin (or not passed on by <c>ToInput</c>) would be dropped by every restore
/// without a word; these checks name it instead.
/// </summary>
public sealed class ConfigItemInputTests
{
    public static TheoryData<Type, Type> Pairs() => new()
    {
        { typeof(ConfigPortForwardInput), typeof(PortForwardInput) },
        { typeof(ConfigMacFilterInput), typeof(MacFilterInput) },
        { typeof(ConfigRuleInput), typeof(RuleInput) },
        { typeof(ConfigOneToOneInput), typeof(OneToOneInput) },
        { typeof(ConfigRedirectInput), typeof(RedirectInput) },
        { typeof(ConfigPolicyRouteInput), typeof(PolicyRouteInput) },
        { typeof(ConfigPinholeInput), typeof(PinholeInput) },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_restore_item_has_id_and_exactly_the_item_inputs_fields(Type config, Type input)
    {
        var expected = new[] { "Id:" + typeof(int?) }.Concat(Parameters(input).Select(p => $"{p.Name}:{p.ParameterType}"));

        Assert.Equal(expected, Parameters(config).Select(p => $"{p.Name}:{p.ParameterType}"));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void ToInput_passes_every_field_on(Type config, Type input)
    {
        var parameters = Parameters(config);
        var values = parameters.Select((p, i) => Sample(p.ParameterType, i)).ToArray();
        var item = config.GetConstructor(parameters.Select(p => p.ParameterType).ToArray())!.Invoke(values);

        var converted = config.GetMethod("ToInput")!.Invoke(item, null)!;

        Assert.IsType(input, converted);
        foreach (var (parameter, value) in parameters.Zip(values).Skip(1))
        {
            var property = input.GetProperty(char.ToUpperInvariant(parameter.Name![0]) + parameter.Name[1..])!;
            Assert.True(Equals(value, property.GetValue(converted)), $"{config.Name}.ToInput() loses {parameter.Name}.");
        }
    }

    /// <summary>The primary constructor: the one with the most parameters (a record's copy constructor has one).</summary>
    private static ParameterInfo[] Parameters(Type type) =>
        type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters();

    /// <summary>A value unlike the default and unlike its neighbours' where the type allows.</summary>
    private static object? Sample(Type type, int index)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return $"value {index}";
        }

        if (underlying == typeof(int))
        {
            return 1000 + index;
        }

        if (underlying == typeof(long))
        {
            return 100_000L + index;
        }

        if (underlying == typeof(bool))
        {
            return index % 2 == 0;
        }

        if (underlying.IsEnum)
        {
            var all = Enum.GetValues(underlying);
            return all.GetValue(index % all.Length);
        }

        // A nested input record (a rule's limit): built from its own samples.
        var parameters = Parameters(underlying);
        return Activator.CreateInstance(underlying, parameters.Select((p, i) => Sample(p.ParameterType, index + i)).ToArray());
    }
}
