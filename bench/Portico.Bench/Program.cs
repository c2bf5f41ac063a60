using System.Globalization;
using Portico.Bench;
using Portico.Data;

// Benchmark helper.
//   generate <Sqlite|Postgres> <connection string> <scale> <blob folder>   realistic data set (scale 1 = 10,000 accounts)
//   sessions <base url> <count> <out.lua>                     signs in customers and writes their cookies for wrk
//   staff-session <base url> <out.txt>                        signs in a staff agent and writes its cookie
//   staff-admin-session <base url> <out.txt> <invoice.txt>    signs in a staff admin, writes its cookie and an invoice number to search
//   writers <Sqlite|Postgres> <connection> <base url> <customers> <seconds>
//                                                             customers of one demo account create requests and reply at once
//   drop <Sqlite|Postgres> <connection>                       removes a database the writers run made
return args switch
{
    ["writers", var provider, var connection, var baseUrl, var customers, var seconds] => await WritersScenario.Run(Enum.Parse<DatabaseProvider>(provider, true), connection,
        new Uri(baseUrl), int.Parse(customers, CultureInfo.InvariantCulture), int.Parse(seconds, CultureInfo.InvariantCulture)),
    ["drop", var provider, var connection] => await BenchDatabase.Drop(Enum.Parse<DatabaseProvider>(provider, true), connection),
    ["generate", var provider, var connection, var scale, var blobs] => await DataSetGenerator.Generate(Enum.Parse<DatabaseProvider>(provider, true), connection, double.Parse(scale, CultureInfo.InvariantCulture), blobs),
    ["sessions", var baseUrl, var count, var output] => await SignIns.Sessions(new Uri(baseUrl), int.Parse(count, CultureInfo.InvariantCulture), output),
    ["staff-session", var baseUrl, var output] => await SignIns.StaffSession(new Uri(baseUrl), output),
    ["staff-admin-session", var baseUrl, var output, var invoiceOutput] => await SignIns.StaffAdminSession(new Uri(baseUrl), output, invoiceOutput),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: generate <Sqlite|Postgres> <connection> <scale> | sessions <base url> <count> <out.lua>");
    return 2;
}
