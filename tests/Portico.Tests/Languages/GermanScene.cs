namespace Portico.Tests.Languages;

/// Who opens a page: nobody signed in, the Owner of the account made for it, the customer who sent the request made for it,
/// a new staff Admin, or a staff Agent (the one the made request is assigned to, if there is one).
public enum Reader { Anonymous, Owner, Requester, Admin, Agent }

/// What must exist before a page can be read.
public enum Needs
{
    Nothing,
    /// An account with its Owner.
    Account,
    /// An account with its Owner and a folder the Owner may see and upload to.
    Folder,
    /// An account whose Owner asked to make a Viewer Billing, which waits for approval.
    PendingChange,
    /// A request sent by a Requester of an account, assigned to an Agent.
    Request,
    /// A request type.
    RequestType,
    /// A Requester of an account and a request type with every kind of field; the type is the made id.
    TypeWithEveryField,
    /// A published help article; its title is the made name.
    HelpArticle,
}

/// What was made for a page: the ids its address names, the name it shows, and the people in it.
public sealed record Made(Guid AccountId = default, Guid Id = default, string Name = "", PorticoUser? Owner = null, PorticoUser? Requester = null,
    PorticoUser? Agent = null)
{
    /// Who opens the page, once chosen.
    public PorticoUser? Reader { get; init; }
}

/// The scene a page or form of a row needs, and the person who opens it signed in.
public static class GermanScene
{
    /// The rows of a theory, by name: xunit shows the name, so a report says which row failed.
    public static TheoryData<string> Names(IEnumerable<string> names)
    {
        var rows = new TheoryData<string>();
        foreach (var name in names)
        {
            rows.Add(name);
        }
        return rows;
    }

    public static async Task<(Made Made, PorticoClient Client)> OpenAsync(this PorticoApp app, Needs needs, Reader reader)
    {
        var made = await app.MakeAsync(needs);
        made = made with
        {
            Reader = reader switch
            {
                Reader.Anonymous => null,
                Reader.Owner => made.Owner ?? throw new InvalidOperationException($"{needs} has no Owner."),
                Reader.Requester => made.Requester ?? throw new InvalidOperationException($"{needs} has no Requester."),
                Reader.Admin => await app.CreateUserAsync(staffRole: StaffRole.Admin),
                _ => made.Agent ?? await app.CreateUserAsync(staffRole: StaffRole.Agent),
            },
        };
        return (made, made.Reader is null ? app.Anonymous() : await app.SignInAsync(made.Reader));
    }

    private static async Task<Made> MakeAsync(this PorticoApp app, Needs needs)
    {
        switch (needs)
        {
            case Needs.Account:
                var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
                return new Made(account.Id, Owner: owner);
            case Needs.Folder:
                var (withFolder, folderOwner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
                var folder = await app.CreateFolderAsync(withFolder, viewRoles: [BuiltInRoles.Owner], uploadRoles: [BuiltInRoles.Owner]);
                return new Made(withFolder.Id, folder.Id, folder.Name, Owner: folderOwner);
            case Needs.PendingChange:
                var (asking, askingOwner, person) = await app.AccountWithViewerAsync();
                using (var client = await app.SignInAsync(askingOwner))
                {
                    ApprovalSteps.Redirected(await client.ChangeRoleAsync(asking.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Billing)));
                }
                return new Made(asking.Id, person.Id, Owner: askingOwner);
            case Needs.Request:
                var (agent, type, customer, requester) = await app.CreateAgentTypeAndCustomerAsync();
                var request = await app.CreateRequestAsync(customer, requester, type, "Printer " + PorticoApp.Unique());
                return new Made(customer.Id, request.Id, request.Subject, Requester: requester, Agent: agent);
            case Needs.TypeWithEveryField:
                var (_, everyKind, sending, sender) = await app.CreateAgentTypeAndCustomerAsync(EveryKind());
                return new Made(sending.Id, everyKind.Id, everyKind.Name, Requester: sender);
            case Needs.RequestType:
                var made = await app.CreateRequestTypeAsync();
                return new Made(Id: made.Id, Name: made.Name);
            case Needs.HelpArticle:
                var title = "Printer setup " + HelpSteps.Word();
                var article = await app.PublishArticleAsync(title, "Plug it in.");
                return new Made(Id: article.Id, Name: title);
            default:
                return new Made();
        }
    }
}
