namespace Portico.Infrastructure.Storage;

/// `storage copy-to-s3`: copies every file of the local store (Storage:LocalPath) into the bucket of the Storage:S3 settings
/// under the same keys, then reads each back and checks its SHA-256 against the local file. Run it before switching
/// Storage:Provider to S3; run again, it only checks what is already there.
public static class StorageCommand
{
    public const string Usage = "Usage: storage copy-to-s3 (with the Storage:S3 settings of the bucket to fill)";

    public static (string[] Command, string[] Others)? Split(string[] args) =>
        args.Length == 0 || args[0] != "storage" ? null
        : args.Length > 1 && !args[1].StartsWith('-') ? (args[..2], args[2..]) : (args[..1], args[1..]);

    public static Task<int> RunAsync(WebApplication app, IReadOnlyList<string> command) =>
        RunAsync(app.Services, command, Console.Out, Console.Error, CancellationToken.None);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> command, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (command.Count != 2 || command[1] != "copy-to-s3")
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var problems = options.S3.Problems().Select(p => p.ErrorMessage).ToList();
        if (problems.Count > 0)
        {
            await error.WriteLineAsync(string.Join(Environment.NewLine, problems));
            return 1;
        }
        var local = new LocalDiskBlobStorage(services.GetRequiredService<IOptions<StorageOptions>>(), services.GetRequiredService<IHostEnvironment>());
        using var bucket = new S3BlobStorage(options.S3);
        if (await bucket.ProblemAsync(ct) is { } unreachable)
        {
            await error.WriteLineAsync(unreachable);
            return 1;
        }
        int copied = 0, present = 0, damaged = 0;
        await foreach (var (key, _, unfinished) in local.ListAsync(ct))
        {
            if (unfinished)
            {
                continue;
            }
            string expected;
            await using (var file = await local.OpenReadAsync(key, ct))
            {
                expected = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
            }
            if (await bucket.StoredSha256Async(key, ct) == expected)
            {
                present++;
            }
            else
            {
                await using var file = await local.OpenReadAsync(key, ct);
                await bucket.WriteAsAsync(key, file, long.MaxValue, ct, expected);
                copied++;
            }
            // Read back what the bucket now serves, as a download would.
            await using var stored = await bucket.OpenIntactAsync(key, expected, ct);
            if (stored is null)
            {
                damaged++;
                await error.WriteLineAsync($"{key}: the bucket's copy does not match the local file's SHA-256 {expected}.");
            }
        }
        await output.WriteLineAsync($"Copied {copied} files to bucket {options.S3.Bucket}; {present} were there already. "
            + (damaged == 0 ? $"All {copied + present} match their SHA-256." : $"{damaged} do not match their SHA-256."));
        return damaged == 0 ? 0 : 1;
    }
}
