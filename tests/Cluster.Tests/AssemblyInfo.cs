// Each cluster is five processes on a two-core machine: one cluster at a time, and one test at a time on it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
