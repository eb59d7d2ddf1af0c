// Each test class starts its own service with its own ONNX Runtime session: one at a time keeps a 2-core machine from
// running several sessions' thread pools against each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
