package org.dalle.jobs.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One named logger of {@link ConsoleLogProvider}: asks {@link ConsoleLog} at every call. */
final class ConsoleLogger extends LegacyAbstractLogger {
  ConsoleLogger(String name) {
    this.name = name;
  }

  @Override
  public boolean isTraceEnabled() {
    return ConsoleLog.isEnabled(name, Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return ConsoleLog.isEnabled(name, Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return ConsoleLog.isEnabled(name, Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return ConsoleLog.isEnabled(name, Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return ConsoleLog.isEnabled(name, Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
    ConsoleLog.write(name, level, MessageFormatter.basicArrayFormat(pattern, arguments), thrown);
  }
}
