namespace Portico.Features.Requests;

public sealed record RequestFilter(RequestStatus? Status = null, Guid? TypeId = null, Guid? SubmitterId = null, string? Text = null, int Page = 1)
{
    public const int PageSize = 25;
    public int SafePage => Math.Clamp(Page, 1, 10_000);
}

public sealed record RequestRow(Guid Id, int Number, string Subject, string TypeName, RequestStatus Status, RequestPriority Priority,
    string SubmitterName, string? AssigneeName, DateTime CreatedAt, DateTime UpdatedAt, bool SharedWithAccount);

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public sealed record MessageView(Guid Id, string AuthorName, bool FromStaff, bool IsInternal, string Body, DateTime CreatedAt, IReadOnlyList<AttachmentView> Attachments);

public sealed record AttachmentView(Guid Id, string FileName, long Size, string? FieldKey);

public sealed record TimelineEntry(DateTime At, string ActorName, string Text);

public sealed record RequestDetail(Request Request, RequestType Type, IReadOnlyList<MessageView> Messages, IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<AttachmentView> FieldFiles, string AccountName);

public static class RequestQueries
{
    /// Subject, number or the public conversation. Internal notes are never searched for customers.
    public static IQueryable<Request> MatchingText(this IQueryable<Request> requests, PorticoDb db, string? text, bool includeInternal)
    {
        var q = text?.Trim();
        if (string.IsNullOrEmpty(q))
        {
            return requests;
        }
        var number = int.TryParse(q.TrimStart('#'), out var n) ? n : -1;
        var lower = q.ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL lower(), which both databases run culture-free
        return requests.Where(r => r.Number == number || r.Subject.ToLower().Contains(lower)
            || db.RequestMessages.Any(m => m.RequestId == r.Id && (includeInternal || !m.IsInternal) && m.Body.ToLower().Contains(lower)));
#pragma warning restore CA1304, CA1311, CA1862
    }

    public static async Task<Paged<RequestRow>> ListAsync(IQueryable<Request> visible, PorticoDb db, RequestFilter filter, CancellationToken ct)
    {
        var query = visible.MatchingText(db, filter.Text, includeInternal: false);
        if (filter.Status is { } status)
        {
            query = query.Where(r => r.Status == status);
        }
        if (filter.TypeId is { } typeId)
        {
            query = query.Where(r => r.TypeId == typeId);
        }
        if (filter.SubmitterId is { } submitterId)
        {
            query = query.Where(r => r.SubmitterId == submitterId);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.Number)
            .Skip((filter.SafePage - 1) * RequestFilter.PageSize).Take(RequestFilter.PageSize)
            .Select(r => new RequestRow(r.Id, r.Number, r.Subject, r.Type.Name, r.Status, r.Priority, r.SubmitterName, r.AssigneeName,
                r.CreatedAt, r.UpdatedAt, r.SharedWithAccount))
            .ToListAsync(ct);
        return new Paged<RequestRow>(items, filter.SafePage, RequestFilter.PageSize, total);
    }

    /// Everything a request page shows. Staff see internal notes and staff-only events; customers never do.
    public static async Task<RequestDetail?> DetailAsync(IQueryable<Request> visible, PorticoDb db, Guid requestId, bool forStaff, CancellationToken ct)
    {
        var request = await visible.AsNoTracking().Include(r => r.Type).SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return null;
        }
        var attachments = await db.RequestAttachments.AsNoTracking().Where(a => a.RequestId == requestId)
            .OrderBy(a => a.CreatedAt)
            .Select(a => new { a.MessageId, View = new AttachmentView(a.Id, a.FileName, a.Size, a.FieldKey) })
            .ToListAsync(ct);
        var messages = await db.RequestMessages.AsNoTracking().Where(m => m.RequestId == requestId && (forStaff || !m.IsInternal))
            .OrderBy(m => m.CreatedAt)
            .Select(m => new { m.Id, m.AuthorName, m.FromStaff, m.IsInternal, m.Body, m.CreatedAt })
            .ToListAsync(ct);
        var timeline = await db.RequestEvents.AsNoTracking().Where(e => e.RequestId == requestId && (forStaff || !e.StaffOnly))
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new TimelineEntry(e.At, e.ActorName, e.Text))
            .ToListAsync(ct);
        var accountName = await db.Accounts.Where(a => a.Id == request.AccountId).Select(a => a.Name).SingleAsync(ct);
        return new RequestDetail(request, request.Type,
            messages.Select(m => new MessageView(m.Id, m.AuthorName, m.FromStaff, m.IsInternal, m.Body, m.CreatedAt,
                attachments.Where(a => a.MessageId == m.Id).Select(a => a.View).ToList())).ToList(),
            timeline,
            attachments.Where(a => a.MessageId is null).Select(a => a.View).ToList(),
            accountName);
    }

    /// A file on a visible request. Files on internal notes are only for staff.
    public static Task<RequestAttachment?> AttachmentAsync(IQueryable<Request> visible, PorticoDb db, Guid requestId, Guid attachmentId, bool forStaff, CancellationToken ct) =>
        db.RequestAttachments.AsNoTracking()
            .Where(a => a.Id == attachmentId && a.RequestId == requestId && visible.Any(r => r.Id == a.RequestId))
            .Where(a => forStaff || a.MessageId == null || db.RequestMessages.Any(m => m.Id == a.MessageId && !m.IsInternal))
            .SingleOrDefaultAsync(ct);
}
