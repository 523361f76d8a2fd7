import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * One embedded OpenSearch node for the local stack, on 127.0.0.1 and the ports it is given; runs until the
 * process is stopped (SIGTERM closes the node through the shutdown hook).
 * Arguments: <base path> <http port> <transport port>.
 */
public class N3rOpenSearchNode {
  public static void main(String[] args) throws Exception {
    String basePath = args[0];
    String httpPort = args[1];
    String transportPort = args[2];
    OpenSearchRunner runner = new OpenSearchRunner();
    runner.onBuild((index, settings) -> {
      settings.put("http.port", httpPort);
      settings.put("transport.port", transportPort);
      settings.put("network.host", "127.0.0.1");
      settings.put("discovery.type", "single-node");
      // Small disks on test machines would otherwise leave shards unassigned or indices read-only.
      settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
      settings.put("action.auto_create_index", true);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.close();
      } catch (Exception e) {
        System.err.println("closing the node failed: " + e);
      }
    }));
    runner.build(OpenSearchRunner.newConfigs().basePath(basePath).numOfNode(1).clusterName("n3r-local").printOnFailure());
    runner.ensureYellow();
    System.out.println("n3r: opensearch node ready on 127.0.0.1:" + httpPort);
    Thread.currentThread().join();
  }
}
