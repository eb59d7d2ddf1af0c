using System.Globalization;

namespace EmbeddingService;

/// <summary>
/// An answer that is not 200: an HTTP status, an <see cref="OpenAiError"/> body, and for 429 and 503 a
/// <c>Retry-After</c> header. The factories below are every error the service gives.
/// </summary>
internal sealed class ServiceError : IResult
{
    private const string InvalidRequest = "invalid_request_error";
    private const string RateLimit = "rate_limit_error";
    private const string Server = "server_error";

    private ServiceError(int status, string message, string type, string? param, string? code, int? retryAfterSeconds = null)
    {
        Status = status;
        Error = new OpenAiError(message, type, param, code);
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The body's error.</summary>
    public OpenAiError Error { get; }

    /// <summary>The <c>Retry-After</c> header, in seconds; <see langword="null"/> for none.</summary>
    public int? RetryAfterSeconds { get; }

    /// <summary>400: the body is not JSON.</summary>
    public static ServiceError InvalidJson(string detail) => new(StatusCodes.Status400BadRequest,
        $"The request body is not valid JSON ({detail}). Send a JSON object such as {{\"input\": \"some text\"}}.", InvalidRequest, null, "invalid_json");

    /// <summary>400: a field (or the body, when <paramref name="param"/> is null) has the wrong JSON type.</summary>
    public static ServiceError InvalidType(string? param, string expected) => new(StatusCodes.Status400BadRequest,
        param is null ? $"The request body must be {expected}." : $"Invalid type for '{param}': expected {expected}.", InvalidRequest, param, "invalid_type");

    /// <summary>400: a required field is missing or null.</summary>
    public static ServiceError Missing(string param, string expected) => new(StatusCodes.Status400BadRequest,
        $"'{param}' is required: {expected}.", InvalidRequest, param, "missing_required_parameter");

    /// <summary>400: a field has the right type and a value the service does not accept.</summary>
    public static ServiceError InvalidValue(string param, string message) => new(StatusCodes.Status400BadRequest, message, InvalidRequest, param, "invalid_value");

    /// <summary>400: the request names another model than the one served.</summary>
    public static ServiceError ModelNotFound(string requested, string served) => new(StatusCodes.Status400BadRequest,
        $"The model '{requested}' is not served here; this service embeds with '{served}' (or leave 'model' out).", InvalidRequest, "model", "model_not_found");

    /// <summary>413: more inputs than <see cref="EmbeddingServiceOptions.MaxInputs"/>.</summary>
    public static ServiceError TooManyInputs(int inputs, int maxInputs) => new(StatusCodes.Status413PayloadTooLarge,
        $"'input' has {inputs} items; at most {maxInputs} are allowed per request (EmbeddingService:MaxInputs). Split it into several requests.",
        InvalidRequest, "input", "too_many_inputs");

    /// <summary>413: a body larger than <see cref="EmbeddingServiceOptions.MaxRequestBytes"/>.</summary>
    public static ServiceError TooLarge(long maxBytes) => new(StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than {maxBytes} bytes (EmbeddingService:MaxRequestBytes). Split the input into several requests.",
        InvalidRequest, null, "request_too_large");

    /// <summary>400: the server could not read the body (a broken chunked encoding, for example).</summary>
    public static ServiceError Unreadable(string detail) => new(StatusCodes.Status400BadRequest,
        $"The request body could not be read: {detail}", InvalidRequest, null, "invalid_body");

    /// <summary>429: the generator's queue has no room for the request's texts.</summary>
    public static ServiceError QueueFull(int retryAfterSeconds) => new(StatusCodes.Status429TooManyRequests,
        "The service is at capacity: too many texts are waiting for the model. Retry after the time in the Retry-After header.",
        RateLimit, null, "queue_full", retryAfterSeconds);

    /// <summary>503: the model is still loading.</summary>
    public static ServiceError Loading(int retryAfterSeconds) => new(StatusCodes.Status503ServiceUnavailable,
        "The model is still loading. Retry after the time in the Retry-After header, or wait until GET /health/ready answers 200.",
        Server, null, "model_loading", retryAfterSeconds);

    /// <summary>503: the service is shutting down (send the request to another instance).</summary>
    public static ServiceError ShuttingDown() => new(StatusCodes.Status503ServiceUnavailable,
        "The service is shutting down and takes no new requests.", Server, null, "shutting_down");

    /// <summary>500: an unexpected failure; the details are logged, never sent.</summary>
    public static ServiceError Internal() => new(StatusCodes.Status500InternalServerError,
        "The service failed to embed the input; the error is in its log.", Server, null, "internal_error");

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        if (RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return response.WriteAsJsonAsync(new OpenAiErrorBody(Error), ServiceJsonContext.Service.OpenAiErrorBody, contentType: null, httpContext.RequestAborted);
    }
}

/// <summary>A request the service refuses; <see cref="EmbeddingsEndpoint"/> answers with <see cref="Error"/>.</summary>
/// <param name="error">The answer.</param>
internal sealed class InvalidEmbeddingsRequestException(ServiceError error) : Exception(error.Error.Message)
{
    /// <summary>The answer.</summary>
    public ServiceError Error { get; } = error;
}
