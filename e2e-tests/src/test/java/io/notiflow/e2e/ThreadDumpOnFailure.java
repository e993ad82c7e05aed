package io.notiflow.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When a test (or its set-up) fails, every service still running gets a thread dump appended to its log
 * ({@code target/e2e-logs}) before anything stops it, so a hang can be read after the run.
 */
public final class ThreadDumpOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        dump(context, failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        dump(context, failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        dump(context, failure);
    }

    private static void dump(ExtensionContext context, Throwable failure) throws Throwable {
        ServiceProcess.dumpThreadsOfRunning(context.getDisplayName() + " failed: " + failure);
        throw failure;
    }
}
