using System.Net;
using System.Text;
using System.Text.Json;
using EmbeddingService;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using MLNet.Gelu.EmbeddingService.Tests.Support;

namespace MLNet.Gelu.EmbeddingService.Tests.Api;

/// <summary>Every malformed or refused request gets its status and an OpenAI error body naming the field at fault; never a 500.</summary>
public sealed class BadRequestTests(LimitedService service) : IClassFixture<LimitedService>
{
    private const string Invalid = "invalid_request_error";

    private RunningService Service => service.Running;

    public static TheoryData<string, HttpStatusCode, string?, string> Refused => new()
    {
        // Not JSON, or not an object.
        { "", HttpStatusCode.BadRequest, null, "invalid_json" },
        { "{", HttpStatusCode.BadRequest, null, "invalid_json" },
        { "input=hello", HttpStatusCode.BadRequest, null, "invalid_json" },
        { """{"input": "a",}""", HttpStatusCode.BadRequest, null, "invalid_json" },
        { "null", HttpStatusCode.BadRequest, null, "invalid_type" },
        { "[\"a\"]", HttpStatusCode.BadRequest, null, "invalid_type" },
        { "\"a\"", HttpStatusCode.BadRequest, null, "invalid_type" },

        // input: missing, empty, or the wrong type.
        { "{}", HttpStatusCode.BadRequest, "input", "missing_required_parameter" },
        { """{"input": null, "model": "all-MiniLM-L6-v2"}""", HttpStatusCode.BadRequest, "input", "missing_required_parameter" },
        { """{"input": ""}""", HttpStatusCode.BadRequest, "input", "invalid_value" },
        { """{"input": []}""", HttpStatusCode.BadRequest, "input", "invalid_value" },
        { """{"input": ["a", ""]}""", HttpStatusCode.BadRequest, "input", "invalid_value" },
        { """{"input": 5}""", HttpStatusCode.BadRequest, "input", "invalid_type" },
        { """{"input": true}""", HttpStatusCode.BadRequest, "input", "invalid_type" },
        { """{"input": {"text": "a"}}""", HttpStatusCode.BadRequest, "input", "invalid_type" },
        { """{"input": [1, 2, 3]}""", HttpStatusCode.BadRequest, "input", "invalid_type" },
        { """{"input": [[1, 2], [3]]}""", HttpStatusCode.BadRequest, "input", "invalid_type" },
        { """{"input": ["a", null]}""", HttpStatusCode.BadRequest, "input", "invalid_type" },

        // The other fields: wrong types and values.
        { """{"input": "a", "model": 5}""", HttpStatusCode.BadRequest, "model", "invalid_type" },
        { """{"input": "a", "model": "text-embedding-3-small"}""", HttpStatusCode.BadRequest, "model", "model_not_found" },
        { """{"input": "a", "model": ""}""", HttpStatusCode.BadRequest, "model", "model_not_found" },
        { """{"input": "a", "encoding_format": "int8"}""", HttpStatusCode.BadRequest, "encoding_format", "invalid_value" },
        { """{"input": "a", "encoding_format": "Float"}""", HttpStatusCode.BadRequest, "encoding_format", "invalid_value" },
        { """{"input": "a", "encoding_format": 1}""", HttpStatusCode.BadRequest, "encoding_format", "invalid_type" },
        { """{"input": "a", "dimensions": "384"}""", HttpStatusCode.BadRequest, "dimensions", "invalid_type" },
        { """{"input": "a", "dimensions": 384.5}""", HttpStatusCode.BadRequest, "dimensions", "invalid_type" },
        { """{"input": "a", "dimensions": 99999999999}""", HttpStatusCode.BadRequest, "dimensions", "invalid_type" },
        { """{"input": "a", "dimensions": 512}""", HttpStatusCode.BadRequest, "dimensions", "invalid_value" },
        { """{"input": "a", "dimensions": 0}""", HttpStatusCode.BadRequest, "dimensions", "invalid_value" },
        { """{"input": "a", "user": 42}""", HttpStatusCode.BadRequest, "user", "invalid_type" },

        // Limits: more inputs than MaxInputs (4).
        { """{"input": ["a", "b", "c", "d", "e"]}""", HttpStatusCode.RequestEntityTooLarge, "input", "too_many_inputs" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_refused_request_gets_its_status_and_an_OpenAI_error(string body, HttpStatusCode status, string? param, string code)
    {
        using var response = await Service.PostAsync(body);

        string type = status == HttpStatusCode.RequestEntityTooLarge || status == HttpStatusCode.BadRequest ? Invalid : "unexpected";
        await OpenAiErrors.AssertErrorAsync(response, status, type, param, code);
    }

    [Fact]
    public async Task Requests_at_the_limits_with_every_optional_field_are_answered()
    {
        string[] texts = ["a", "b", "c", Sentences.All[0]];
        string body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["input"] = texts,
            ["model"] = MiniLm.ServedName,
            ["encoding_format"] = "float",
            ["dimensions"] = MiniLm.Dimensions,
            ["user"] = "user-1",
            ["unknown_field"] = new[] { 1, 2 },
        });

        using var response = await Service.PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = document.RootElement.GetProperty("data");
        Assert.Equal(LimitedService.MaxInputs, data.GetArrayLength());
        for (int i = 0; i < texts.Length; i++)
        {
            MiniLm.AssertEmbeds(texts[i], data[i].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray());
        }
    }

    [Fact]
    public async Task A_body_over_the_size_limit_gets_413_whether_its_length_is_declared_or_chunked()
    {
        string body = JsonSerializer.Serialize(new Dictionary<string, object> { ["input"] = new string('x', 2 * LimitedService.MaxRequestBytes) });

        using var declared = await Service.PostAsync(body);
        await OpenAiErrors.AssertErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge, Invalid, null, "request_too_large");

        using var request = new HttpRequestMessage(HttpMethod.Post, EmbeddingServiceApp.EmbeddingsRoute)
        {
            Content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(body))),
        };
        request.Content.Headers.ContentType = new("application/json");
        using var chunked = await Service.Http.SendAsync(request);
        Assert.Null(request.Content.Headers.ContentLength);
        await OpenAiErrors.AssertErrorAsync(chunked, HttpStatusCode.RequestEntityTooLarge, Invalid, null, "request_too_large");

        // The limit is the body's, not the texts': just under it is fine.
        string fits = JsonSerializer.Serialize(new Dictionary<string, object> { ["input"] = new string('x', LimitedService.MaxRequestBytes - 100) });
        using var accepted = await Service.PostAsync(fits);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task An_unexpected_generator_failure_is_a_500_with_an_OpenAI_error_and_no_details()
    {
        var generator = new FakeGenerator { Failure = new InvalidOperationException("secret internal detail") };
        await using var failing = await RunningService.StartAsync(
            configureServices: services => services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator));

        using var response = await failing.PostAsync("""{"input": "a"}""");

        string message = await OpenAiErrors.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "server_error", null, "internal_error");
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A stream whose length is unknown, so the client sends it chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
