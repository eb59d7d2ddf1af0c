using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using MLNet.Gelu.EmbeddingService.Tests.Support;
using OpenAI;
using OpenAI.Embeddings;

namespace MLNet.Gelu.EmbeddingService.Tests.Api;

/// <summary>
/// The official OpenAI client (2.15) through Microsoft.Extensions.AI's <c>AsIEmbeddingGenerator()</c> gets from the
/// service what <c>BertEmbedder</c> and <c>BertEmbeddingGenerator</c> give in process: the same vectors (within 1e-5),
/// in order, and the same token counts.
/// </summary>
public sealed class OpenAiClientTests(DefaultService service) : IClassFixture<DefaultService>
{
    private RunningService Service => service.Running;

    [Fact]
    public async Task One_text_equals_the_in_process_embedding_and_reports_its_tokens()
    {
        using var generator = Service.OpenAiGenerator();
        string text = Sentences.All[0];

        var result = await generator.GenerateAsync([text]);

        var embedding = Assert.Single(result);
        MiniLm.AssertEmbeds(text, embedding.Vector.Span);
        Assert.Equal(MiniLm.TokensOf(text), result.Usage?.InputTokenCount);
        Assert.Equal(MiniLm.ServedName, embedding.ModelId);
    }

    [Fact]
    public async Task A_batch_comes_back_in_order_equal_to_the_in_process_generator()
    {
        using var generator = Service.OpenAiGenerator();
        var texts = Sentences.All;

        var result = await generator.GenerateAsync(texts);
        var inProcess = await MiniLm.GenerateInProcessAsync(texts);

        Assert.Equal(texts.Count, result.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            MiniLm.AssertEmbeds(texts[i], result[i].Vector.Span);
            MiniLm.AssertEmbeds(texts[i], inProcess[i].Vector.Span);
        }

        Assert.Equal(inProcess.Usage?.InputTokenCount, result.Usage?.InputTokenCount);
        Assert.Equal(texts.Sum(MiniLm.TokensOf), result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task The_client_asks_for_base64_and_reads_the_little_endian_floats_the_service_sends()
    {
        var capture = new CapturePolicy();
        using var generator = Service.OpenAiClient(capture).GetEmbeddingClient(MiniLm.ServedName).AsIEmbeddingGenerator();
        string[] texts = [Sentences.All[1], Sentences.All[7]];

        var result = await generator.GenerateAsync(texts);

        var (request, response) = Assert.Single(capture.Exchanges);
        using (var sent = JsonDocument.Parse(request))
        {
            Assert.Equal("base64", sent.RootElement.GetProperty("encoding_format").GetString());
            Assert.Equal(MiniLm.ServedName, sent.RootElement.GetProperty("model").GetString());
            Assert.Equal(texts, sent.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetString()));
        }

        using var answer = JsonDocument.Parse(response);
        var data = answer.RootElement.GetProperty("data");
        for (int i = 0; i < texts.Length; i++)
        {
            var item = data[i];
            Assert.Equal("embedding", item.GetProperty("object").GetString());
            Assert.Equal(i, item.GetProperty("index").GetInt32());
            var floats = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(item.GetProperty("embedding").GetString()!)).ToArray();
            MiniLm.AssertEmbeds(texts[i], floats);
            Assert.Equal(floats, result[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task Float_encoding_is_a_JSON_array_that_the_OpenAI_models_read_back()
    {
        var client = Service.OpenAiClient().GetEmbeddingClient(MiniLm.ServedName);
        string[] texts = [Sentences.All[2], Sentences.All[3], Sentences.All[16]];
        string body = JsonSerializer.Serialize(new Dictionary<string, object> { ["input"] = texts, ["model"] = MiniLm.ServedName, ["encoding_format"] = "float" });

        ClientResult result = await client.GenerateEmbeddingsAsync(BinaryContent.Create(BinaryData.FromString(body)));

        var raw = result.GetRawResponse().Content;
        using (var document = JsonDocument.Parse(raw))
        {
            Assert.Equal("list", document.RootElement.GetProperty("object").GetString());
            Assert.All(document.RootElement.GetProperty("data").EnumerateArray(), item => Assert.Equal(JsonValueKind.Array, item.GetProperty("embedding").ValueKind));
        }

        // The client's own model of the answer, read the way the client reads it (its context is marked experimental).
#pragma warning disable OPENAI001
        var collection = ModelReaderWriter.Read<OpenAIEmbeddingCollection>(raw, ModelReaderWriterOptions.Json, OpenAIContext.Default)!;
#pragma warning restore OPENAI001
        Assert.Equal(MiniLm.ServedName, collection.Model);
        Assert.Equal(texts.Length, collection.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(i, collection[i].Index);
            MiniLm.AssertEmbeds(texts[i], collection[i].ToFloats().Span);
        }

        long tokens = texts.Sum(MiniLm.TokensOf);
        Assert.Equal((tokens, tokens), (collection.Usage.InputTokenCount, collection.Usage.TotalTokenCount));
    }

    [Fact]
    public async Task The_models_dimensions_are_accepted_and_others_refused_with_400()
    {
        using var generator = Service.OpenAiGenerator();
        string text = Sentences.All[4];

        var result = await generator.GenerateAsync([text], new Microsoft.Extensions.AI.EmbeddingGenerationOptions { Dimensions = MiniLm.Dimensions });
        MiniLm.AssertEmbeds(text, Assert.Single(result).Vector.Span);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => generator.GenerateAsync([text], new Microsoft.Extensions.AI.EmbeddingGenerationOptions { Dimensions = 256 }));
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task Another_model_name_is_refused_with_400()
    {
        using var generator = Service.OpenAiGenerator("text-embedding-3-small");

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => generator.GenerateAsync(["a text"]));

        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        using var response = await Service.PostAsync("""{"input":"a text","model":"text-embedding-3-small"}""");
        string message = await OpenAiErrors.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "model", "model_not_found");
        Assert.Contains(MiniLm.ServedName, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_answers_200_once_the_model_is_loaded()
    {
        using var response = await Service.Http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_default_limit_takes_2048_inputs_and_refuses_2049_with_413()
    {
        using var generator = Service.OpenAiGenerator();
        var texts = Enumerable.Range(0, 2048).Select(i => $"item {i % 97}").ToArray();

        var result = await generator.GenerateAsync(texts);
        Assert.Equal(2048, result.Count);
        MiniLm.AssertEmbeds(texts[2047], result[2047].Vector.Span);

        using var response = await Service.PostAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["input"] = texts.Append("one more") }));
        await OpenAiErrors.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", "input", "too_many_inputs");
    }
}
