using Amazon.Runtime;
using Amazon.S3;

namespace Portico.Tests.Infrastructure;

/// A real S3-compatible server (npm's s3rver, installed in tests/s3 by the test command) on a loopback port, keeping its
/// objects in a temporary folder. One is shared by the run; each app gets a bucket of its own.
public sealed class S3Server : IDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly Lazy<S3Server> SharedServer = new(() =>
    {
        var server = new S3Server();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    private Process? _process;

    public static S3Server Shared => SharedServer.Value;

    public int Port { get; }
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("portico-s3-").FullName;
    public string Url => $"http://127.0.0.1:{Port}";

    public S3Server()
    {
        Port = SmtpSink.FreePort();
        Start();
    }

    /// Starts it (again, on the same port and folder, after Stop).
    public void Start()
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "s3", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed at {script}. Run `npm ci` in tests/s3 (the test command does).");
        }
        var start = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
        // s3rver's continuation tokens use DES, which Node 17+ only offers through OpenSSL's legacy provider.
        foreach (var arg in new[] { "--openssl-legacy-provider", script, "--directory", Directory, "--port", Port.ToString(CultureInfo.InvariantCulture), "--address", "127.0.0.1", "--silent" })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start. Install nodejs (the test command does).");
        SmtpSink.WaitUntilListening(_process, Port, "s3rver", 200);
    }

    public void Stop()
    {
        if (_process is null)
        {
            return;
        }
        ServerProcess.Stop(_process);
        _process = null;
    }

    /// Settings that point the app at a bucket on this server.
    public Dictionary<string, string?> Settings(string bucket) => new()
    {
        ["Storage:Provider"] = "S3",
        ["Storage:S3:ServiceUrl"] = Url,
        ["Storage:S3:Bucket"] = bucket,
        ["Storage:S3:AccessKey"] = AccessKey,
        ["Storage:S3:SecretKey"] = SecretKey,
        ["Storage:S3:ForcePathStyle"] = "true",
    };

    public S3StorageOptions Options(string bucket) => new()
    {
        ServiceUrl = Url, Bucket = bucket, AccessKey = AccessKey, SecretKey = SecretKey, ForcePathStyle = true,
    };

    /// A client of the test's own, to look at and change what the app stored.
    public AmazonS3Client Client() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Url,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public async Task<string> CreateBucketAsync()
    {
        var name = "portico-" + Guid.NewGuid().ToString("N")[..16];
        using var client = Client();
        await client.PutBucketAsync(name);
        return name;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portico.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    public void Dispose()
    {
        Stop();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
