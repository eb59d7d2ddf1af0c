using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace MLNet.Gelu.Bert.Orleans.Tests.Support;

/// <summary>One <c>samples/ClusterSilo</c> process (ClusterSilo.dll, built beside this assembly).</summary>
internal sealed class SiloProcess : IDisposable
{
    /// <summary>How long starting or stopping a silo may take (a liveness guard, never a timing assertion).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly List<(string Fragment, TaskCompletionSource Seen)> _watches = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, int siloPort)
    {
        _process = process;
        SiloPort = siloPort;
        _process.OutputDataReceived += (_, e) => Read(e.Data);
        _process.ErrorDataReceived += (_, e) => Read(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"The silo exited with {_process.ExitCode} before it was ready:\n{Log}"));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The silo program: ClusterSilo.dll beside this assembly unless set (an app on the ASP.NET Core shared
    /// framework lacks packages the silo needs beside it, so it points at the sample's own build output).</summary>
    public static string Executable { get; set; } = Path.Combine(AppContext.BaseDirectory, "ClusterSilo.dll");

    /// <summary>The silo-to-silo port, which also names the silo (<c>S127.0.0.1:port:generation</c>).</summary>
    public int SiloPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    public string Log => string.Join('\n', _log);

    /// <summary>CPU time the process has used so far (all its threads).</summary>
    public TimeSpan TotalProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts a silo of cluster <paramref name="clusterId"/> with membership in <paramref name="redis"/>, serving
    /// <paramref name="model"/>'s files (all-MiniLM-L6-v2 when null) on <paramref name="intraOpThreads"/> threads, with
    /// <paramref name="extraArguments"/> (configuration such as <c>--Logging:LogLevel:X=Debug</c>) after the usual ones.</summary>
    public static SiloProcess Start(
        string redis, string clusterId, (string Onnx, string Vocabulary)? model, int intraOpThreads, IReadOnlyList<string>? extraArguments = null)
    {
        int siloPort = Processes.FreePort(), gatewayPort = Processes.FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Executable),
        };
        string[] arguments =
        [
            Executable,
            $"--Silo:Redis={redis}", $"--Silo:ClusterId={clusterId}",
            $"--Silo:SiloPort={siloPort.ToString(CultureInfo.InvariantCulture)}", $"--Silo:GatewayPort={gatewayPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Silo:Model={model?.Onnx}", $"--Silo:Vocabulary={model?.Vocabulary}",
            $"--Embeddings:IntraOpThreads={intraOpThreads.ToString(CultureInfo.InvariantCulture)}",
            "--Embeddings:SessionConfigEntries:session.intra_op.allow_spinning=0",
            // A killed silo is declared dead within a few seconds, not the default tens of seconds.
            "--Membership:ProbeTimeout=00:00:01", "--Membership:NumMissedProbesLimit=2", "--Membership:NumVotesForDeathDeclaration=1",
            "--Membership:TableRefreshTimeout=00:00:02",
            "--Logging:LogLevel:Default=Warning",
            .. extraArguments ?? [],
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new SiloProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo."), siloPort);
    }

    /// <summary>Waits until the silo printed that it is ready; fails with its output if it exits or takes too long.</summary>
    public async Task WaitReadyAsync()
    {
        try
        {
            await _ready.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The silo on port {SiloPort} was not ready within {Patience}:\n{Log}");
        }
    }

    /// <summary>Completes when the silo prints a line containing <paramref name="fragment"/> (or has printed one already).</summary>
    public Task WaitForLineAsync(string fragment)
    {
        lock (_watches)
        {
            if (_log.Any(line => line.Contains(fragment, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watches.Add((fragment, seen));
            return seen.Task;
        }
    }

    /// <summary>SIGKILL: the process dies at once, in the middle of whatever it does.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as <c>docker stop</c> or systemd sends it; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        Processes.Run("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        using var patience = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(patience.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_watches)
        {
            _log.Enqueue(line);
            foreach (var watch in _watches.Where(w => line.Contains(w.Fragment, StringComparison.Ordinal)).ToList())
            {
                watch.Seen.TrySetResult();
                _watches.Remove(watch);
            }
        }

        if (line.StartsWith("Silo ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
