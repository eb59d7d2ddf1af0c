using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace MLNet.Gelu.Bert.Orleans.Tests.Support;

/// <summary>
/// A Redis server for cluster membership, on a free loopback port, without persistence, stopped with the test run.
/// Debian's <c>redis-server</c> is installed with apt-get when missing and the tests run as root; otherwise the fixture
/// fails with a message saying what to install.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public RedisServer()
    {
        string executable = Processes.FindOnPath("redis-server") ?? Install();
        Port = Processes.FreePort();
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitForPong();
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of the server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static string Install()
    {
        if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                "The multi-process cluster tests need redis-server (cluster membership), which is not on the PATH, and they do not run as " +
                "root, so they cannot install it: install it (Debian/Ubuntu: sudo apt-get install -y redis-server) or run the tests as root.");
        }

        Processes.Run("apt-get", ["update"], TimeSpan.FromMinutes(5));
        Processes.Run("apt-get", ["install", "-y", "redis-server"], TimeSpan.FromMinutes(5));
        return Processes.FindOnPath("redis-server") ?? throw new InvalidOperationException("apt-get installed redis-server, but it is not on the PATH.");
    }

    private void WaitForPong()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient("127.0.0.1", Port);
                using var stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[16];
                int read = stream.Read(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
            }

            if (DateTime.UtcNow >= deadline || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port}; its output:\n{Log()}");
            }

            Thread.Sleep(50);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }
}
