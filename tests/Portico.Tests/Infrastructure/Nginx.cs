namespace Portico.Tests.Infrastructure;

/// Debian's nginx in front of app nodes on 127.0.0.1: round-robin, no sticky sessions, as deploy/nginx/portico.conf
/// without TLS. It connects to the nodes from <see cref="ProxyAddress"/>, so a node can tell the proxy from a
/// client that calls it directly.
public sealed class Nginx : IDisposable
{
    public const string ProxyAddress = "127.0.0.2";

    private readonly Process _process;
    private readonly string _directory = Directory.CreateTempSubdirectory("portico-nginx-").FullName;

    public int Port { get; } = SmtpSink.FreePort();

    public Nginx(IEnumerable<int> nodePorts)
    {
        if (!OperatingSystem.IsWindows())
        {
            // As root, nginx's workers run as "nobody", which must be able to write its temporary files here.
            File.SetUnixFileMode(_directory, (UnixFileMode)0b111_111_111);
        }
        var servers = string.Concat(nodePorts.Select(p => $"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;\n"));
        var config = $$"""
            worker_processes 1;
            daemon off;
            pid {{_directory}}/nginx.pid;
            error_log {{_directory}}/error.log warn;
            events { worker_connections 512; }
            http {
                access_log off;
                client_body_temp_path {{_directory}}/body;
                proxy_temp_path {{_directory}}/proxy;
                fastcgi_temp_path {{_directory}}/fastcgi;
                uwsgi_temp_path {{_directory}}/uwsgi;
                scgi_temp_path {{_directory}}/scgi;
                upstream portico {
            {{servers}}        keepalive 16;
                }
                server {
                    listen 127.0.0.1:{{Port}};
                    client_max_body_size 0;
                    location / {
                        proxy_pass http://portico;
                        proxy_bind {{ProxyAddress}};
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $remote_addr;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_request_buffering off;
                        proxy_read_timeout 60s;
                    }
                }
            }
            """;
        var file = Path.Combine(_directory, "nginx.conf");
        File.WriteAllText(file, config);
        var start = new ProcessStartInfo(File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[] { "-p", _directory, "-c", file })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start. Install nginx (the test command does).");
        SmtpSink.WaitUntilListening(_process, Port, "nginx", 100);
    }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public void Dispose()
    {
        ServerProcess.Stop(_process, _directory);
    }
}
