package dev.jbert.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The main job on a built-in default. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the built-in demonstration.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("jbert demo");
        return 0;
    }
}
