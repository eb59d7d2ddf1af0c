// An OpenAI-compatible embedding service: POST /v1/embeddings and GET /health/ready, all-MiniLM-L6-v2 on the CPU.
//
//   dotnet run --project samples/EmbeddingService -c Release -- --urls=http://127.0.0.1:8080
//
// Settings: the EmbeddingService section of appsettings.json (EmbeddingServiceOptions documents each default).
// RunAsync returns once the app has stopped (Ctrl+C, SIGTERM), and disposes it: the generator goes last.
await EmbeddingService.EmbeddingServiceApp.Create(args).RunAsync();
