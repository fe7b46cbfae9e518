package org.dalle.jobs.cli;

import org.apache.beam.sdk.util.ReleaseInfo;
import picocli.CommandLine;

/** {@code dalle --version}: this build and the versions of the engines it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String own = DalleCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "dalle " + (own == null ? "development build" : own),
      "Apache Beam " + ReleaseInfo.getReleaseInfo().getVersion(),
      "Java " + System.getProperty("java.version")
    };
  }
}
