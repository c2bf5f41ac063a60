namespace Portico.Infrastructure.Web;

public enum OutcomeKind
{
    Done,
    /// Not there, or not visible to whoever asks: answered like something that does not exist.
    NotFound,
    /// Visible, but the person's role may not do this; Message says why.
    Forbidden,
    /// Not done because of the input or the record's state; Message says why, FieldErrors name the fields.
    Refused,
    /// Stored for someone to approve; nothing applied yet. Message says so.
    PendingApproval,
}

/// What a write did. Every write handler answers with one of these, and pages and endpoints turn it
/// into a response through OutcomeResults, so the same refusal reads the same everywhere.
public sealed record Outcome(OutcomeKind Kind, string? Message = null, IReadOnlyDictionary<string, string>? FieldErrors = null)
{
    public static readonly Outcome Done = new(OutcomeKind.Done);
    public static readonly Outcome NotFound = new(OutcomeKind.NotFound);

    public static Outcome Forbidden(string reason) => new(OutcomeKind.Forbidden, reason);

    public static Outcome Refused(string message, IReadOnlyDictionary<string, string>? fieldErrors = null) => new(OutcomeKind.Refused, message, fieldErrors);

    public static Outcome PendingApproval(string message) => new(OutcomeKind.PendingApproval, message);

    public bool Succeeded => Kind == OutcomeKind.Done;
}

/// An outcome that carries what was made or changed when it is done.
public sealed record Outcome<T> where T : class
{
    private Outcome(Outcome status, T? value) => (Status, Value) = (status, value);

    public Outcome Status { get; }

    /// Set when Status is done.
    public T? Value { get; }

    public OutcomeKind Kind => Status.Kind;
    public string? Message => Status.Message;
    public bool Succeeded => Status.Succeeded;

    public static implicit operator Outcome<T>(T value) => new(Outcome.Done, value);

    public static implicit operator Outcome<T>(Outcome status) =>
        status.Succeeded ? throw new InvalidOperationException("A done outcome carries its value.") : new(status, null);
}
