using System.Text.RegularExpressions;
using Portico.Features.Billing;

namespace Portico.Features.Staff;

/// Which kinds of record the searching staff member may see; a kind left out is never queried.
public sealed record SearchKinds(bool Requests, bool Billing);

/// Up to the cap's worth of one kind, and whether more matched.
public sealed record SearchGroup<T>(IReadOnlyList<T> Items, bool More);

/// An account, and for staff who may not see invoices or orders, the number of the one of its records that matched.
/// MatchedRecord: the number of the invoice or order (MatchedKind "invoice" or "order") through which the account was found.
public sealed record AccountHit(Guid Id, string Name, string? ExternalId, string? MatchedRecord = null, string? MatchedKind = null);

public sealed record PersonAccount(Guid AccountId, string AccountName, string Role);

public sealed record PersonHit(Guid Id, string Name, string Email, StaffRole? StaffRole, IReadOnlyList<PersonAccount> Accounts);

public sealed record RequestHit(Guid Id, int Number, string Subject, string AccountName, RequestStatus Status);

public sealed record InvoiceHit(Guid Id, Guid AccountId, string AccountName, string Number, string Currency, InvoiceStatus Status, long TotalMinor, long PaidMinor)
{
    /// Only open invoices with something due are on the staff invoice list; the rest are found from their account.
    public bool OnInvoiceList => Status == InvoiceStatus.Open && TotalMinor > PaidMinor;
}

public sealed record OrderHit(Guid Id, Guid AccountId, string AccountName, string Reference, string Title, string Status);

public sealed record DocumentHit(Guid Id, string Name, string AccountName, string FolderName);

/// What one search found; a kind the staff member may not see is null.
public sealed record SearchResults(SearchGroup<AccountHit> Accounts, SearchGroup<PersonHit> People, SearchGroup<RequestHit>? Requests,
    SearchGroup<InvoiceHit>? Invoices, SearchGroup<OrderHit>? Orders, SearchGroup<DocumentHit> Documents);

/// Finds accounts, people, requests, invoices, orders and documents across accounts for the staff console. Numbers and ids
/// match by prefix on their indexes; names, emails and titles match anywhere in the text, case-insensitively, on the text
/// indexes of <see cref="StaffSearchIndex"/>, and every kind stops after the cap, so a search stays bounded however much
/// matches.
public sealed partial class StaffSearch(PorticoDb db)
{
    public const int MinLength = 2;
    private ILookup<string, Guid> candidates = Array.Empty<Guid>().ToLookup(_ => "");
    public const int MaxLength = 200;
    public const int Cap = 10;
    /// Accounts whose name matches the text before a request number ("Northwind #12").
    private const int AccountsForNumber = 50;

    /// Why the query cannot be searched, in the language of text, or null when it can.
    public static string? Refusal(string query, IStringLocalizer<StaffSearch> text) =>
        query.Length < MinLength ? text["Enter at least {0} characters to search.", MinLength].Value
        : query.Length > MaxLength ? text["Enter at most {0} characters to search.", MaxLength].Value
        : null;

    public async Task<SearchResults> RunAsync(string query, SearchKinds kinds, CancellationToken ct)
    {
        // One more than is shown tells whether there are more.
        candidates = await StaffSearchIndex.CandidatesAsync(db, query, StaffSearchIndex.All, StaffSearchIndex.Prefixes, Cap + 1, ct);
        return new SearchResults(
            await AccountsAsync(kinds.Billing, ct),
            await PeopleAsync(ct),
            kinds.Requests ? await RequestsAsync(query, ct) : null,
            kinds.Billing ? await InvoicesAsync(ct) : null,
            kinds.Billing ? await OrdersAsync(ct) : null,
            await DocumentsAsync(ct));
    }

    private static SearchGroup<T> Capped<T>(List<T> found) => new(found.Take(Cap).ToList(), found.Count > Cap);

    /// The candidates of one kind that match the search's query, found on the indexes by RunAsync.
    private List<Guid> Candidates(string kind) => candidates[kind].ToList();

    private async Task<List<Guid>> AccountsNamedAsync(string text, CancellationToken ct) =>
        (await StaffSearchIndex.CandidatesAsync(db, text, [StaffSearchIndex.Accounts], [], AccountsForNumber, ct))[StaffSearchIndex.Accounts.Name].ToList();

    private async Task<SearchGroup<AccountHit>> AccountsAsync(bool billing, CancellationToken ct)
    {
        var accounts = db.Accounts.AsNoTracking();
        var withExternalId = Candidates(StaffSearchIndex.AccountIds.Name);
        var byExternalId = withExternalId.Count == 0 ? [] : await accounts.Where(a => withExternalId.Contains(a.Id))
            .OrderBy(a => a.ExternalId)
            .Select(a => new AccountHit(a.Id, a.Name, a.ExternalId))
            .ToListAsync(ct);
        var named = Candidates(StaffSearchIndex.Accounts.Name);
        var byName = named.Count == 0 ? [] : await accounts.Where(a => named.Contains(a.Id))
            .OrderBy(a => a.Name)
            .Select(a => new AccountHit(a.Id, a.Name, a.ExternalId))
            .ToListAsync(ct);
        // Staff who may not see invoices or orders still find, from a number a customer quotes, whose it is: the account,
        // without the record's amounts or status.
        var byRecord = new List<AccountHit>();
        var invoices = billing ? [] : Candidates(StaffSearchIndex.InvoiceNumbers.Name);
        if (invoices.Count > 0)
        {
            byRecord.AddRange(await db.Invoices.AsNoTracking().Where(i => invoices.Contains(i.Id))
                .OrderBy(i => i.Number)
                .Join(accounts, i => i.AccountId, a => a.Id, (i, a) => new AccountHit(a.Id, a.Name, a.ExternalId, i.Number, "invoice"))
                .ToListAsync(ct));
        }
        var orders = billing ? [] : Candidates(StaffSearchIndex.OrderReferences.Name);
        if (orders.Count > 0)
        {
            byRecord.AddRange(await db.Orders.AsNoTracking().Where(o => orders.Contains(o.Id))
                .OrderBy(o => o.Reference)
                .Join(accounts, o => o.AccountId, a => a.Id, (o, a) => new AccountHit(a.Id, a.Name, a.ExternalId, o.Reference, "order"))
                .ToListAsync(ct));
        }
        return Capped(byRecord.Concat(byExternalId).Concat(byName).DistinctBy(a => a.Id).ToList());
    }

    private async Task<SearchGroup<PersonHit>> PeopleAsync(CancellationToken ct)
    {
        var named = Candidates(StaffSearchIndex.People.Name);
        if (named.Count == 0)
        {
            return Capped(new List<PersonHit>());
        }
        var people = await db.Users.AsNoTracking().Where(u => named.Contains(u.Id))
            .OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.StaffRole })
            .ToListAsync(ct);
        // A second query on the person index: with the accounts joined in, SQLite read every membership of every
        // account (420 ms at scale 1) before keeping the few candidates'.
        var ids = people.Select(p => p.Id).ToList();
        var accounts = (await db.Memberships.AsNoTracking().Where(m => ids.Contains(m.UserId))
                .OrderBy(m => m.Account.Name)
                .Select(m => new { m.UserId, Account = new PersonAccount(m.AccountId, m.Account.Name, m.Role.Name) })
                .ToListAsync(ct))
            .ToLookup(m => m.UserId, m => m.Account);
        return Capped(people.Select(p => new PersonHit(p.Id, p.DisplayName, p.Email ?? "", p.StaffRole, accounts[p.Id].ToList())).ToList());
    }

    private async Task<SearchGroup<RequestHit>> RequestsAsync(string query, CancellationToken ct)
    {
        IQueryable<RequestHit> Hits(IQueryable<Request> found) => found
            .Join(db.Accounts, r => r.AccountId, a => a.Id, (r, a) => new { r, AccountName = a.Name })
            .OrderByDescending(x => x.r.UpdatedAt).Take(Cap + 1)
            .Select(x => new RequestHit(x.r.Id, x.r.Number, x.r.Subject, x.AccountName, x.r.Status));
        var requests = db.Requests.AsNoTracking();
        var byNumber = new List<RequestHit>();
        // "Northwind #12" or "Northwind 12": request 12 of the accounts so named, found on the account's number index.
        if (AccountAndNumber().Match(query) is { Success: true } m && int.TryParse(m.Groups["number"].Value, out var number))
        {
            var named = await AccountsNamedAsync(m.Groups["account"].Value, ct);
            var accountIds = await db.Accounts.AsNoTracking().Where(a => named.Contains(a.Id))
                .OrderBy(a => a.Name).Take(AccountsForNumber).Select(a => a.Id).ToListAsync(ct);
            byNumber = await Hits(requests.Where(r => accountIds.Contains(r.AccountId) && r.Number == number)).ToListAsync(ct);
        }
        // A bare number ("#12") is request 12 of every account.
        var bareNumber = int.TryParse(query.TrimStart('#'), out var n)
            ? await Hits(requests.Where(r => r.Number == n)).ToListAsync(ct) : [];
        var titled = Candidates(StaffSearchIndex.Requests.Name);
        var byTitle = titled.Count == 0 ? [] : await Hits(requests.Where(r => titled.Contains(r.Id))).ToListAsync(ct);
        return Capped(byNumber.Concat(bareNumber).Concat(byTitle).DistinctBy(r => r.Id).ToList());
    }

    private async Task<SearchGroup<InvoiceHit>> InvoicesAsync(CancellationToken ct)
    {
        var numbered = Candidates(StaffSearchIndex.InvoiceNumbers.Name);
        return Capped(numbered.Count == 0 ? [] : await db.Invoices.AsNoTracking()
            .Where(i => numbered.Contains(i.Id))
            .OrderBy(i => i.Number)
            .Join(db.Accounts, i => i.AccountId, a => a.Id, (i, a) => new InvoiceHit(i.Id, i.AccountId, a.Name, i.Number, i.Currency, i.Status, i.TotalMinor, i.PaidMinor))
            .ToListAsync(ct));
    }

    private async Task<SearchGroup<OrderHit>> OrdersAsync(CancellationToken ct)
    {
        var referenced = Candidates(StaffSearchIndex.OrderReferences.Name);
        return Capped(referenced.Count == 0 ? [] : await db.Orders.AsNoTracking()
            .Where(o => referenced.Contains(o.Id))
            .OrderBy(o => o.Reference)
            .Join(db.Accounts, o => o.AccountId, a => a.Id, (o, a) => new OrderHit(o.Id, o.AccountId, a.Name, o.Reference, o.Title, o.Status))
            .ToListAsync(ct));
    }

    private async Task<SearchGroup<DocumentHit>> DocumentsAsync(CancellationToken ct)
    {
        var named = Candidates(StaffSearchIndex.Documents.Name);
        if (named.Count == 0)
        {
            return Capped(new List<DocumentHit>());
        }
        // Deleted documents are never candidates.
        var found = await db.Documents.AsNoTracking().Where(d => named.Contains(d.Id))
            .OrderByDescending(d => d.UpdatedAt)
            .Join(db.Accounts, d => d.AccountId, a => a.Id, (d, a) => new { d, AccountName = a.Name })
            .Join(db.DocumentFolders, x => x.d.FolderId, f => f.Id, (x, f) => new DocumentHit(x.d.Id, x.d.Name, x.AccountName, f.Name))
            .ToListAsync(ct);
        return Capped(found);
    }

    [GeneratedRegex(@"^(?<account>.*\S)\s*#\s*(?<number>\d{1,9})$|^(?<account>.*\S)\s+(?<number>\d{1,9})$")]
    private static partial Regex AccountAndNumber();
}
