// Labs create namespaces, set a host-wide sysctl and start real processes: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
