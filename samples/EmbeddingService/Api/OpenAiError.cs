namespace EmbeddingService;

/// <summary>The error body OpenAI's API returns and its clients read: <c>{ "error": { "message", "type", "param", "code" } }</c>.</summary>
/// <param name="Error">What went wrong.</param>
internal sealed record OpenAiErrorBody(OpenAiError Error);

/// <summary>One error: a message for people, a type and code for programs, and the request field at fault.</summary>
/// <param name="Message">What was wrong and what to do about it.</param>
/// <param name="Type"><c>invalid_request_error</c> (400, 413), <c>rate_limit_error</c> (429) or <c>server_error</c> (500, 503).</param>
/// <param name="Param">The request field at fault (<c>input</c>, <c>model</c>, ...), or <see langword="null"/>.</param>
/// <param name="Code">A stable code such as <c>invalid_json</c>, <c>too_many_inputs</c> or <c>queue_full</c>.</param>
internal sealed record OpenAiError(string Message, string Type, string? Param, string? Code);
