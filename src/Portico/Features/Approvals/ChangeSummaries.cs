namespace Portico.Features.Approvals;

/// What a change asks for, in one sentence in the reader's language. Made from the change's type and payload each time
/// it is shown, so an Owner reading in German sees German whoever asked; the summary stored with the change is the
/// English sentence, for the audit log.
public sealed class ChangeSummaries(IStringLocalizer<ChangeSummaries> text)
{
    public string Describe(string type, string payload) => Describe(ChangeRequest.PayloadOf(type, payload));

    public string Describe(object payload) => payload switch
    {
        InvitationPayload p => text["Invite {0} as {1}", p.Email, p.RoleName],
        RoleChangePayload p => text["Give {0} ({1}) the {2} role (now {3})", p.PersonName, p.PersonEmail, p.RoleName, p.FromRoleName],
        AddressPayload p => text["Change the company address to {0}", new CompanyAddress(p.Lines, p.City, p.PostalCode, p.Country)],
        _ => throw new ArgumentException($"No summary for a change of {payload.GetType().Name}.", nameof(payload)),
    };

    /// The sentence stored with the change, whatever the language of the person asking.
    public string InEnglish(object payload)
    {
        using (Languages.For(null))
        {
            return Describe(payload);
        }
    }
}
