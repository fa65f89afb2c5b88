package dev.fpk.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fpk.estimator.EntrySelections;
import dev.fpk.estimator.EstimatorSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EntriesOptionsTest {
  @CommandLine.Command(name = "probe")
  static final class Probe implements Runnable {
    @CommandLine.Mixin EntriesOptions options;

    @Override
    public void run() {}
  }

  @Test
  void shouldPutTheRulesGivenInPlaceOfTheSetting() {
    Config configured =
        ConfigFactory.parseString("fpk.entries { enc = \"cols:1\" }")
            .withFallback(ConfigFactory.load());
    Probe probe = new Probe();
    assertEquals(0, new CommandLine(probe).execute("--entries", "fc*=rows:2;head=list:0,5,17"));
    EntrySelections rules =
        EstimatorSettings.fromConfig(probe.options.applyTo(configured)).entries();
    assertEquals("rows:2", rules.forLayer("fc2").toString());
    assertEquals("list:0,5,17", rules.forLayer("head").toString());
    assertEquals("all", rules.forLayer("enc").toString(), "the option replaces the setting");

    Probe none = new Probe();
    assertEquals(0, new CommandLine(none).execute());
    assertEquals(
        "cols:1",
        EstimatorSettings.fromConfig(none.options.applyTo(configured))
            .entries()
            .forLayer("enc")
            .toString(),
        "without the option the setting stays");
  }
}
