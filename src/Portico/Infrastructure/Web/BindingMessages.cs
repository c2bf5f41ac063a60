namespace Portico.Infrastructure.Web;

/// The model binder's own messages (a value that is not a number or a date at all, a missing value) in the reader's
/// language; English here, German in BindingMessages.de.resx.
public sealed class BindingMessages(IStringLocalizer<BindingMessages> text) : IConfigureOptions<MvcOptions>
{
    public void Configure(MvcOptions options)
    {
        var m = options.ModelBindingMessageProvider;
        m.SetAttemptedValueIsInvalidAccessor((value, field) => text["The value '{0}' is not valid for {1}.", value, field]);
        m.SetNonPropertyAttemptedValueIsInvalidAccessor(value => text["The value '{0}' is not valid.", value]);
        m.SetUnknownValueIsInvalidAccessor(field => text["The value is not valid for {0}.", field]);
        m.SetNonPropertyUnknownValueIsInvalidAccessor(() => text["The value is not valid."]);
        m.SetValueIsInvalidAccessor(value => text["The value '{0}' is not valid.", value]);
        m.SetValueMustBeANumberAccessor(field => text["{0} must be a number.", field]);
        m.SetNonPropertyValueMustBeANumberAccessor(() => text["The value must be a number."]);
        m.SetValueMustNotBeNullAccessor(value => text["A value is required."]);
        m.SetMissingBindRequiredValueAccessor(field => text["A value for {0} is required.", field]);
        m.SetMissingKeyOrValueAccessor(() => text["A value is required."]);
        m.SetMissingRequestBodyRequiredValueAccessor(() => text["The request needs a body."]);
    }
}
