namespace Portico.Features.Billing;

public enum InvoiceStatus
{
    [Display(Name = "Open"), Badge(Tone.Info, Icon.Invoice)] Open = 1,
    [Display(Name = "Paid"), Badge(Tone.Success, Icon.Check)] Paid = 2,
    [Display(Name = "Void"), Badge(Tone.Neutral, Icon.X)] Void = 3,
}

/// What a person sees of an invoice: its synced status, or Overdue for an open one past its due date with money still due.
public enum InvoiceState
{
    [Display(Name = "Open"), Badge(Tone.Info, Icon.Invoice)] Open = 1,
    [Display(Name = "Overdue"), Badge(Tone.Danger, Icon.Alert)] Overdue = 2,
    [Display(Name = "Paid"), Badge(Tone.Success, Icon.Check)] Paid = 3,
    [Display(Name = "Void"), Badge(Tone.Neutral, Icon.X)] Void = 4,
}

public static class InvoiceStates
{
    public static InvoiceState Of(InvoiceStatus status, bool overdue) => status switch
    {
        InvoiceStatus.Open => overdue ? InvoiceState.Overdue : InvoiceState.Open,
        InvoiceStatus.Paid => InvoiceState.Paid,
        _ => InvoiceState.Void,
    };
}

public sealed record InvoiceLine(string Description, decimal Quantity, long UnitPriceMinor, long AmountMinor);

public sealed record InvoicePayment(DateOnly PaidOn, long AmountMinor, string? Reference);

/// An invoice synced from the billing system; read-only in the portal. Amounts are in the
/// currency's minor units (cents), so sums are exact on every database.
public sealed class Invoice : SyncedRecord
{
    public string Number { get; private set; } = "";
    public string Currency { get; private set; } = "";
    public DateOnly IssuedOn { get; private set; }
    public DateOnly DueOn { get; private set; }
    public InvoiceStatus Status { get; private set; }
    public long TotalMinor { get; private set; }
    public long PaidMinor { get; private set; }
    public List<InvoiceLine> Lines { get; private set; } = [];
    public List<InvoicePayment> Payments { get; private set; } = [];
    public string? PdfUrl { get; private set; }

    private Invoice() { }

    public Invoice(Guid integrationId, string externalId) : base(integrationId, externalId) { }

    public void Apply(Guid accountId, string number, string currency, DateOnly issuedOn, DateOnly dueOn, InvoiceStatus status, long totalMinor,
        List<InvoiceLine> lines, List<InvoicePayment> payments, string? pdfUrl, string contentHash, DateTime now)
    {
        Number = number;
        Currency = currency;
        IssuedOn = issuedOn;
        DueOn = dueOn;
        Status = status;
        TotalMinor = totalMinor;
        Lines = lines;
        Payments = payments;
        PaidMinor = payments.Sum(p => p.AmountMinor);
        PdfUrl = pdfUrl;
        Applied(accountId, contentHash, now);
    }

    public long DueMinor => Status == InvoiceStatus.Open ? Math.Max(0, TotalMinor - PaidMinor) : 0;

    public bool IsOverdue(DateOnly today) => Status == InvoiceStatus.Open && DueOn < today && DueMinor > 0;

    public InvoiceState State(DateOnly today) => InvoiceStates.Of(Status, IsOverdue(today));
}

/// ISO 4217 currencies the portal accepts, with their minor-unit digits.
public static class Currencies
{
    public static readonly IReadOnlyDictionary<string, int> Digits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["USD"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["CHF"] = 2, ["CAD"] = 2, ["AUD"] = 2, ["NZD"] = 2, ["SEK"] = 2, ["NOK"] = 2, ["DKK"] = 2,
        ["PLN"] = 2, ["CZK"] = 2, ["HUF"] = 2, ["INR"] = 2, ["CNY"] = 2, ["HKD"] = 2, ["SGD"] = 2, ["BRL"] = 2, ["MXN"] = 2, ["ZAR"] = 2,
        ["JPY"] = 0, ["KRW"] = 0, ["ISK"] = 0, ["KWD"] = 3, ["BHD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    };

    /// Converts an amount to minor units, refusing more decimals than the currency has.
    public static long? ToMinor(decimal amount, string currency)
    {
        if (IsTooLarge(amount, currency))
        {
            return null;
        }
        var scaled = amount * Pow10(Digits[currency]);
        return scaled == decimal.Truncate(scaled) ? (long)scaled : null;
    }

    /// Whether the amount is beyond what minor units can hold; checked before scaling, which would overflow for the largest decimals.
    public static bool IsTooLarge(decimal amount, string currency) => Math.Abs(amount) >= long.MaxValue / 10 / Pow10(Digits[currency]);

    public static string Format(long minor, string currency)
    {
        var digits = Digits.TryGetValue(currency, out var d) ? d : 2;
        var value = minor / Pow10(digits);
        // Grouping and decimal separators of the reader's language: EUR 1,234.50 in English, EUR 1.234,50 in German.
        return $"{currency} {value.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.CurrentCulture)}";
    }

    private static decimal Pow10(int digits) => digits switch { 0 => 1m, 1 => 10m, 2 => 100m, _ => 1000m };
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.ConfigureSyncedRecord();
        b.HasIndex(i => new { i.AccountId, i.Status, i.DueOn });
        // Staff search finds an invoice by the start of its number across accounts.
        b.HasIndex(i => i.Number);
        b.Property(i => i.Number).HasMaxLength(50);
        b.Property(i => i.Currency).HasMaxLength(3);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(i => i.PdfUrl).HasMaxLength(500);
        b.Property(i => i.Lines).AsJson();
        b.Property(i => i.Payments).AsJson();
    }
}
