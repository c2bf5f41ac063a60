namespace Portico.Features.Shared;

/// What a list shows when it has nothing: what is missing and what to do next, with the link that does it.
public sealed record EmptyState(Icon Icon, string Title, string Next, string? ActionHref = null, string? ActionText = null, bool PrimaryAction = false);
