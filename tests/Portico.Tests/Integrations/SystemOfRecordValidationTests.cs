namespace Portico.Tests.Integrations;

/// What refuses a whole batch, and what refuses only the records that are wrong.
/// Which integration owns an object type is global, so every class here is in the app collection: they run one after another.
public sealed class SystemOfRecordValidationTests(PorticoApp app) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;

    /// The whole batch was refused with 400; the first error it names for the member (a member of the body or a field of a record).
    private static async Task<string> RefusalAsync(HttpResponseMessage response, string member)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(member, out var named), $"No error for {member}: {errors}");
        return named[0].GetString()!;
    }

    /// Nothing of a refused batch is stored or counted as synced.
    private async Task AssertNothingStoredAsync(Guid integrationId)
    {
        Assert.Empty(await app.InvoicesOfAsync(integrationId));
        Assert.Equal(0, (await app.ReloadAsync(integrationId)).RecordsSynced);
    }

    [Fact]
    public async Task Malformed_json_or_a_body_without_records_refuses_the_whole_batch()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var valid = InvoiceJson(NewExternalId(), account.ExternalId!).ToJsonString();

        var malformed = await client.PutRawAsync(Invoices, "{\"records\":[" + valid + ",{\"externalId\":\"x\",}]}");
        var truncated = await client.PutRawAsync(Invoices, "{\"records\":[" + valid);
        var noRecords = await client.PutRawAsync(Invoices, "{\"items\":[" + valid + "]}");
        var notJson = await client.PutAsync(new Uri("/api/integration/invoices", UriKind.Relative), new StringContent("{\"records\":[" + valid + "]}", Encoding.UTF8, "text/plain"));

        Assert.Contains("Malformed JSON", await RefusalAsync(malformed, "body"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
        Assert.Contains("\"records\" array", await RefusalAsync(noRecords, "records"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        await AssertNothingStoredAsync(integration.Id);
    }

    [Fact]
    public async Task Each_invalid_record_is_refused_with_its_errors_while_valid_records_in_the_batch_are_applied()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var crm = account.ExternalId!;
        var duplicate = NewExternalId("DUP");
        var halfDuplicate = NewExternalId("HALF");
        JsonNode Patched(string id, Action<JsonObject> change)
        {
            var invoice = InvoiceJson(id, crm);
            change(invoice);
            return invoice;
        }
        JsonNode[] records =
        [
            /* 0 */ InvoiceJson(NewExternalId("OK"), crm, total: 10.12m),
            /* 1 */ Patched(NewExternalId(), r => r["totl"] = 5),
            /* 2 */ Patched(NewExternalId(), r => r["total"] = "ten euros"),
            /* 3 */ Patched(NewExternalId(), r => r["issuedOn"] = "31/12/2024"),
            /* 4 */ InvoiceJson(NewExternalId(), crm, currency: "EUR", total: 10.123m),
            /* 5 */ InvoiceJson(NewExternalId(), crm, currency: "JPY", total: 10.5m),
            /* 6 */ InvoiceJson(NewExternalId(), crm, currency: "XYZ"),
            /* 7 */ InvoiceJson(duplicate, crm, total: 1m),
            /* 8 */ InvoiceJson(duplicate, crm, total: 2m),
            /* 9 */ new JsonObject { ["externalId"] = NewExternalId() },
            /* 10 */ Patched(NewExternalId(), r => { r.Remove("issuedOn"); r.Remove("dueOn"); r.Remove("status"); r.Remove("total"); }),
            /* 11 */ Patched("", r => { }),
            /* 12 */ Patched(NewExternalId(), r => r["lines"]![0]!["vat"] = 19),
            /* 13 */ InvoiceJson(NewExternalId("OK"), crm, currency: "JPY", total: 1500m),
            /* 14 */ InvoiceJson(NewExternalId(), crm, total: 5m, payments: [new JsonObject { ["paidOn"] = Date(Today), ["amount"] = 1.001m }]),
            /* 15 */ InvoiceJson(halfDuplicate, crm, total: 3m),
            /* 16 */ InvoiceJson(halfDuplicate, crm, currency: "XYZ"),
        ];

        var result = await OkAsync(await client.PutBatchAsync(Invoices, records));

        AssertCounts(result, created: 2, updated: 0, unchanged: 0, failed: records.Length - 2);
        Assert.Equal("created", result.Outcome(0));
        Assert.Equal("created", result.Outcome(13));
        Assert.All(Enumerable.Range(1, 12).Append(14).Append(15).Append(16), i => Assert.Equal("error", result.Outcome(i)));
        Assert.Contains("unknown field \"totl\"", result.Errors(1)["record"], StringComparison.Ordinal);
        Assert.Contains("total has the wrong type", result.Errors(2)["record"], StringComparison.Ordinal);
        Assert.Contains("issuedOn has the wrong type", result.Errors(3)["record"], StringComparison.Ordinal);
        Assert.Contains("more decimals than EUR allows (2)", result.Errors(4)["total"], StringComparison.Ordinal);
        Assert.Contains("more decimals than JPY allows (0)", result.Errors(5)["total"], StringComparison.Ordinal);
        Assert.Contains("ISO 4217", result.Errors(6)["currency"], StringComparison.Ordinal);
        Assert.Contains("XYZ", result.Errors(6)["currency"], StringComparison.Ordinal);
        Assert.Contains("appears 2 times", result.Errors(7)["externalId"], StringComparison.Ordinal);
        Assert.Contains("appears 2 times", result.Errors(8)["externalId"], StringComparison.Ordinal);
        Assert.Equal(["currency", "externalAccountId", "number"], result.Errors(9).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["dueOn", "issuedOn", "status", "total"], result.Errors(10).Keys.Order(StringComparer.Ordinal));
        Assert.Equal("externalId is required.", result.Errors(11)["externalId"]);
        Assert.Contains("unknown field \"lines[0].vat\"", result.Errors(12)["record"], StringComparison.Ordinal);
        Assert.Contains("more decimals than EUR allows", result.Errors(14)["payments[0].amount"], StringComparison.Ordinal);
        // One of the two is invalid on its own, but the id is still ambiguous: neither is applied.
        Assert.Contains("externalId", result.Errors(15).Keys);

        var stored = await app.InvoicesOfAsync(integration.Id);
        Assert.Equal(
            new[] { ((string)records[0]["externalId"]!, "EUR", 1012L), ((string)records[13]["externalId"]!, "JPY", 1500L) }.OrderBy(x => x.Item1, StringComparer.Ordinal),
            stored.Select(i => (i.ExternalId, i.Currency, i.TotalMinor)));
        var reloaded = await app.ReloadAsync(integration.Id);
        Assert.Equal(2, reloaded.RecordsSynced);
        Assert.NotNull(reloaded.LastFailureAt);
        Assert.Contains($"{records.Length - 2} of {records.Length} invoices refused", reloaded.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_amount_too_large_for_any_invoice_is_a_record_error_not_a_failed_batch()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var valid = InvoiceJson(NewExternalId("OK"), account.ExternalId!);
        var huge = InvoiceJson(NewExternalId(), account.ExternalId!, total: 70_000_000_000_000_000_000_000_000_000m);

        var result = await OkAsync(await client.PutBatchAsync(Invoices, valid, huge));

        AssertCounts(result, created: 1, updated: 0, unchanged: 0, failed: 1);
        Assert.StartsWith("total is too large", result.Errors(1)["total"], StringComparison.Ordinal);
        Assert.Equal([(string)valid["externalId"]!], (await app.InvoicesOfAsync(integration.Id)).Select(i => i.ExternalId));
    }

    [Fact]
    public async Task A_control_character_in_any_record_refuses_the_whole_batch_naming_the_field()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var valid = InvoiceJson(NewExternalId("OK"), account.ExternalId!);
        var withNul = InvoiceJson(NewExternalId(), account.ExternalId!, number: "INV\0-1");
        var inLine = InvoiceJson(NewExternalId(), account.ExternalId!);
        inLine["lines"]![0]!["description"] = "Support\u0008plan";

        var nul = await client.PutBatchAsync(Invoices, valid, withNul);
        var backspace = await client.PutBatchAsync(Invoices, valid, inLine);

        Assert.Contains("records[1].number contains a control character (U+0000)", await RefusalAsync(nul, "records[1].number"), StringComparison.Ordinal);
        Assert.NotEmpty(await RefusalAsync(backspace, "records[1].lines[0].description"));
        await AssertNothingStoredAsync(integration.Id);
    }

    [Fact]
    public async Task A_batch_with_a_member_other_than_records_is_refused_naming_the_member()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;

        var empty = await client.PutRawAsync(Invoices, "{\"records\":[],\"evil\":1}");
        var beside = await client.PutRawAsync(Invoices, "{\"records\":[" + InvoiceJson(NewExternalId(), account.ExternalId!).ToJsonString() + "],\"dryRun\":true}");

        Assert.Contains("Unknown member \"evil\"", await RefusalAsync(empty, "evil"), StringComparison.Ordinal);
        Assert.NotEmpty(await RefusalAsync(beside, "dryRun"));
        await AssertNothingStoredAsync(integration.Id);
    }
}
