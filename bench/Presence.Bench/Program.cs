using Presence.Bench;

return await BenchCommands.RunAsync(args);
