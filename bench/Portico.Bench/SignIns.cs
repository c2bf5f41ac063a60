using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Portico.Features.Accounts;
using Portico.Features.Identity;

namespace Portico.Bench;

/// Signs people in through the login page and writes their cookies (and what each may open) for the load run.
internal static class SignIns
{
    public static async Task<(HttpClient Http, HttpClientHandler Handler)?> SignIn(Uri baseUrl, string email)
    {
        var token = new Regex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        var http = new HttpClient(handler) { BaseAddress = baseUrl };
        var login = await http.GetStringAsync(new Uri("/login", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.Email"] = email,
            ["Form.Password"] = DemoData.Password,
            ["__RequestVerificationToken"] = token.Match(login).Groups[1].Value,
        });
        var response = await http.PostAsync(new Uri("/login", UriKind.Relative), form);
        if (response.StatusCode == System.Net.HttpStatusCode.Redirect)
        {
            return (http, handler);
        }
        http.Dispose();
        return null;
    }

    public static async Task<int> StaffSession(Uri baseUrl, string output)
    {
        // User 0 is a generated staff agent.
        if (await SignIn(baseUrl, "user000000@bench.example") is not { } session)
        {
            return 1;
        }
        using var http = session.Http;
        await File.WriteAllTextAsync(output, string.Join("; ", session.Handler.CookieContainer.GetCookies(baseUrl).Select(c => $"{c.Name}={c.Value}")));
        return 0;
    }

    public const string StaffAdminEmail = "user000001@bench.example";

    /// Signs in the generated staff Admin, writes its cookie, and writes an invoice number from the staff invoice list
    /// (or the start of this year's numbers when none is open) for the staff search to look up.
    public static async Task<int> StaffAdminSession(Uri baseUrl, string output, string invoiceOutput)
    {
        if (await SignIn(baseUrl, StaffAdminEmail) is not { } session)
        {
            return 1;
        }
        using var http = session.Http;
        var invoices = await http.GetStringAsync(new Uri("/staff/invoices", UriKind.Relative));
        var number = Regex.Match(invoices, "data-testid=\"staff-invoice\">\\s*<td>.*?</td>\\s*<td>([^<]+)</td>", RegexOptions.Singleline) is { Success: true } m
            ? m.Groups[1].Value : DateTime.UtcNow.Year.ToString(CultureInfo.InvariantCulture) + "-";
        await File.WriteAllTextAsync(output, string.Join("; ", session.Handler.CookieContainer.GetCookies(baseUrl).Select(c => $"{c.Name}={c.Value}")));
        await File.WriteAllTextAsync(invoiceOutput, number);
        return 0;
    }

    public static async Task<int> Sessions(Uri baseUrl, int count, string output)
    {
        // Customers spread over the whole data set; user numbers below 20 are staff agents.
        var lua = new StringBuilder("sessions = {\n");
        var signedIn = 0;
        // BENCH_USERS is the generated user count, so sessions spread over all accounts.
        var total = int.Parse(Environment.GetEnvironmentVariable("BENCH_USERS") ?? "4000", CultureInfo.InvariantCulture);
        for (var n = 0; n < count; n++)
        {
            var i = 20 + (int)((long)n * (total - 20) / count);
            if (await SignIn(baseUrl, $"user{i:D6}@bench.example") is not { } session)
            {
                continue;
            }
            using var http = session.Http;
            var handler = session.Handler;
            var me = await http.GetStringAsync(new Uri("/api/me", UriKind.Relative));
            var account = Regex.Match(me, "\"accountId\":\"([0-9a-f-]+)\"").Groups[1].Value;
            // Only people who see requests and documents, with at least one of each, so every page answers 200.
            var list = await http.GetAsync(new Uri($"/api/accounts/{account}/requests", UriKind.Relative));
            var request = list.IsSuccessStatusCode ? Regex.Match(await list.Content.ReadAsStringAsync(), "\"id\":\"([0-9a-f-]+)\"").Groups[1].Value : "";
            if (request.Length == 0)
            {
                continue;
            }
            var documentList = await http.GetAsync(new Uri($"/api/accounts/{account}/documents", UriKind.Relative));
            var documents = documentList.IsSuccessStatusCode ? await documentList.Content.ReadAsStringAsync() : "";
            // A generated small file: the load run's 1 GiB upload lands in one of these accounts and must not be the page measured.
            var document = Regex.Matches(documents, "\"id\":\"([0-9a-f-]+)\",\"folderId\":\"([0-9a-f-]+)\",\"name\":\"[^\"]*\",\"versions\":[0-9]+,\"size\":([0-9]+)")
                .FirstOrDefault(m => long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) < 1024 * 1024);
            if (document is null)
            {
                continue;
            }
            var detail = await http.GetStringAsync(new Uri($"/api/accounts/{account}/documents/{document.Groups[1].Value}", UriKind.Relative));
            var download = Regex.Match(detail, "\"url\":\"([^\"]+)\"").Groups[1].Value;
            // Whether this person's role sees invoices and orders, so those pages are driven only by people who may open them.
            var invoices = (await http.GetAsync(new Uri($"/a/{account}/invoices", UriKind.Relative))).IsSuccessStatusCode ? "true" : "false";
            var orders = (await http.GetAsync(new Uri($"/a/{account}/orders", UriKind.Relative))).IsSuccessStatusCode ? "true" : "false";
            var cookie = string.Join("; ", handler.CookieContainer.GetCookies(baseUrl).Select(c => $"{c.Name}={c.Value}"));
            lua.Append(CultureInfo.InvariantCulture,
                $"  {{ account = \"{account}\", request = \"{request}\", folder = \"{document.Groups[2].Value}\", download = \"{download}\", invoices = {invoices}, orders = {orders}, cookie = \"{cookie}\" }},\n");
            signedIn++;
        }
        lua.Append("}\n");
        await File.WriteAllTextAsync(output, lua.ToString());
        Console.WriteLine($"{signedIn} sessions written to {output}");
        return signedIn > 0 ? 0 : 1;
    }
}
