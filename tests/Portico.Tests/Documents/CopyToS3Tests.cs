namespace Portico.Tests.Documents;

/// `storage copy-to-s3` moves an existing local store into a bucket under the same keys and checks every file's SHA-256.
public sealed class CopyToS3Tests
{
    [Fact]
    public async Task The_local_store_is_copied_into_the_bucket_and_every_file_reads_back_with_its_SHA256()
    {
        var bucket = await S3Server.Shared.CreateBucketAsync();
        // Still on local disk, with the bucket's settings ready for the switch.
        var settings = S3Server.Shared.Settings(bucket);
        settings["Storage:Provider"] = "Local";
        settings["Storage:S3:PartSizeMiB"] = "5";
        await using var app = new ConfiguredApp(settings);
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var large = new byte[6 * 1024 * 1024];
        new Random(5).NextBytes(large);
        var versions = new[]
        {
            (await app.CreateDocumentAsync(folder, owner, "small.txt", Text("small"))).Version,
            (await app.CreateDocumentAsync(folder, owner, "large.bin", large)).Version,
        };
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await StorageCommand.RunAsync(app.Services, ["storage", "copy-to-s3"], output, error, CancellationToken.None);

        Assert.True(code == 0, error.ToString());
        Assert.Contains("Copied 2 files", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("All 2 match their SHA-256.", output.ToString(), StringComparison.Ordinal);
        using var s3 = new S3BlobStorage(S3Server.Shared.Options(bucket));
        foreach (var version in versions)
        {
            await using var stored = await s3.OpenIntactAsync(version.StorageKey, version.Sha256, CancellationToken.None);
            Assert.NotNull(stored);
        }

        var again = new StringWriter();
        var secondCode = await StorageCommand.RunAsync(app.Services, ["storage", "copy-to-s3"], again, error, CancellationToken.None);
        Assert.True(secondCode == 0, error.ToString());
        Assert.Contains("Copied 0 files to bucket " + bucket + "; 2 were there already.", again.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copying_without_a_bucket_says_which_setting_is_missing()
    {
        await using var app = new ConfiguredApp([]);
        var error = new StringWriter();

        var code = await StorageCommand.RunAsync(app.Services, ["storage", "copy-to-s3"], new StringWriter(), error, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("Storage:S3:Bucket is required", error.ToString(), StringComparison.Ordinal);
    }
}
