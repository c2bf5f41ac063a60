using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Activity;

/// One line in an account's activity feed. Entries about a request carry its id so the
/// feed only shows them to people who may see that request.
public sealed class ActivityEntry : IAccountOwned
{
    public long Id { get; private set; }
    public Guid AccountId { get; private set; }
    public DateTime At { get; private set; }
    public string ActorName { get; private set; } = "";
    public string Text { get; private set; } = "";
    public string Link { get; private set; } = "";
    public Guid? RequestId { get; private set; }

    private ActivityEntry() { }

    public ActivityEntry(Guid accountId, DateTime at, string actorName, string text, string link, Guid? requestId)
    {
        AccountId = accountId;
        At = at;
        ActorName = actorName;
        Text = text;
        Link = link;
        RequestId = requestId;
    }
}
