namespace Portico.Tests.Infrastructure;

/// An app started with settings of the test's own, to see how the portal refuses wrong ones at start.
public sealed class ConfiguredApp(Dictionary<string, string?> settings) : PorticoApp
{
    protected override IDictionary<string, string?> Settings() => settings;

    /// The options validation error that stopped the app, however deep the host wrapped it.
    public static OptionsValidationException FindValidation(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is OptionsValidationException validation)
            {
                return validation;
            }
            if (e is AggregateException aggregate && aggregate.InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault() is { } inner)
            {
                return inner;
            }
        }
        throw new Xunit.Sdk.XunitException("Expected an options validation error, got: " + error);
    }
}
