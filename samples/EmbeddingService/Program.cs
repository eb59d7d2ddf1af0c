// An OpenAI-compatible embedding service: POST /v1/embeddings and GET /health/ready, all-MiniLM-L6-v2 on the CPU.
//
//   dotnet run --project samples/EmbeddingService -c Release -- --urls=http://127.0.0.1:8080
//
// Settings: the EmbeddingService section of appsettings.json (EmbeddingServiceOptions documents each default).
// Runs until Ctrl+C or SIGTERM, then disposes the app: the generator goes last. Exits with 1 if the model cannot load.
return await EmbeddingService.EmbeddingServiceApp.RunAsync(args);
