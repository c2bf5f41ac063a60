namespace Portico.Features.Accounts;

/// The fixed catalogue of customer permissions. Roles are sets of these names.
public static class Permissions
{
    public const string AccountView = "account.view";
    public const string AccountManage = "account.manage";
    public const string RequestsView = "requests.view";
    public const string RequestsViewAll = "requests.view_all";
    public const string RequestsCreate = "requests.create";
    public const string DocumentsView = "documents.view";
    public const string DocumentsUpload = "documents.upload";
    public const string InvoicesView = "invoices.view";
    public const string OrdersView = "orders.view";
    public const string ContactsView = "contacts.view";
    public const string ContactsManage = "contacts.manage";
    public const string AuditView = "audit.view";

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [AccountView] = "See the account dashboard",
        [AccountManage] = "Change company details such as the address",
        [RequestsView] = "See requests they submitted or that were shared with them",
        [RequestsViewAll] = "See every request of the account",
        [RequestsCreate] = "Submit and reply to requests",
        [DocumentsView] = "See and download documents",
        [DocumentsUpload] = "Upload documents",
        [InvoicesView] = "See invoices and payments",
        [OrdersView] = "See orders and projects",
        [ContactsView] = "See who has access to the account",
        [ContactsManage] = "Invite, change and remove contacts",
        [AuditView] = "See the account's audit log",
    };

    public static readonly IReadOnlySet<string> All = Descriptions.Keys.ToHashSet();
}

/// The built-in customer roles, created by the first migration's seed at start-up.
public static class BuiltInRoles
{
    public const string Owner = "Owner";
    public const string Billing = "Billing";
    public const string Requester = "Requester";
    public const string Viewer = "Viewer";
    public const string Auditor = "Auditor";

    public static IEnumerable<Role> Create() =>
    [
        new Role(Owner, "Everything in the account, including who has access", Permissions.All, isBuiltIn: true),
        new Role(Billing, "Invoices, payments and billing documents",
            [Permissions.AccountView, Permissions.InvoicesView, Permissions.DocumentsView, Permissions.DocumentsUpload, Permissions.ContactsView], isBuiltIn: true),
        new Role(Requester, "Submits and follows requests, exchanges documents",
            [Permissions.AccountView, Permissions.RequestsView, Permissions.RequestsCreate, Permissions.DocumentsView, Permissions.DocumentsUpload, Permissions.OrdersView, Permissions.ContactsView], isBuiltIn: true),
        new Role(Viewer, "Read-only status",
            [Permissions.AccountView, Permissions.RequestsView, Permissions.OrdersView], isBuiltIn: true),
        new Role(Auditor, "Read-only access for audits, usually time-limited",
            [Permissions.AccountView, Permissions.RequestsView, Permissions.RequestsViewAll, Permissions.DocumentsView, Permissions.InvoicesView, Permissions.OrdersView, Permissions.ContactsView, Permissions.AuditView], isBuiltIn: true),
    ];
}
