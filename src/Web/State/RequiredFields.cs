using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>
/// The required fields an input record lacks, reported as "Required." under their paths. When some are missing, the
/// field rules still run on a stand-in record (placeholders where fields are missing) so every field that was sent
/// and is wrong is named in the same answer; errors on the placeholders themselves are dropped.
/// </summary>
internal sealed class RequiredFields(ValidationErrors errors, string prefix)
{
    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);

    public bool Complete => _missing.Count == 0;

    public RequiredFields Require(object? value, string field)
    {
        if (value is null)
        {
            var path = ValidationErrors.Path(prefix, field);
            errors.Add(path, "Required.");
            _missing.Add(path);
        }

        return this;
    }

    /// <summary>Runs <paramref name="validate"/> on the caller's stand-in and keeps the errors of fields that were sent.</summary>
    public void ValidatePresent(Action<ValidationErrors> validate)
    {
        var scratch = new ValidationErrors();
        validate(scratch);
        foreach (var (field, messages) in scratch.ToDictionary())
        {
            if (_missing.Contains(field))
            {
                continue;
            }

            foreach (var message in messages)
            {
                errors.Add(field, message);
            }
        }
    }
}
