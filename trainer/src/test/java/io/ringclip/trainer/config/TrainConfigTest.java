package io.ringclip.trainer.config;

import io.ringclip.models.tensor.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {

    @Test
    void shouldBuildDefaultsForReadmeCommand() {
        TrainConfig c = TrainConfig.builder().workers(2).build();
        assertEquals("tiny", c.model());
        assertEquals("synthetic", c.data());
        assertEquals(LossType.CLIP, c.loss());
        assertEquals(Precision.FP32, c.precision());
        assertTrue(c.outDir().startsWith("runs/"));
        assertEquals(c.steps() / 10, c.warmupSteps());
        assertNull(c.resume());
    }

    @Test
    void shouldLoadYamlAndLetFlagsOverrideIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("job.yaml");
        Files.writeString(f, """
                model: tiny
                loss: siglip
                precision: fp16
                batch: 32
                steps: 100
                weight_decay: 0.2
                lockImage: true
                out: /tmp/x
                """);
        TrainConfig c = TrainConfigFiles.load(f).set("batch", "8").build();
        assertEquals(LossType.SIGLIP, c.loss());
        assertEquals(Precision.FP16, c.precision());
        assertEquals(8, c.batchPerWorker());
        assertEquals(0.2, c.weightDecay());
        assertTrue(c.lockImage());
        assertEquals(10, c.warmupSteps());
    }

    @Test
    void shouldLoadJson(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("job.json");
        Files.writeString(f, "{\"steps\": 7, \"lr\": 0.01, \"wire\": \"fp16\", \"warmup\": 0, \"out\": \"o\"}");
        TrainConfig c = TrainConfigFiles.load(f).build();
        assertEquals(7, c.steps());
        assertEquals(0.01, c.lr());
        assertEquals(WireFormatChoice.FP16, c.wire());
        assertEquals(0, c.warmupSteps());
    }

    @Test
    void shouldNameTheFieldOfABadValue() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainConfigFiles.parse("batch: lots\n", true, "job.yaml"));
        assertTrue(e.getMessage().contains("field=batch"), e.getMessage());
        assertTrue(e.getMessage().contains("value=lots"), e.getMessage());

        ConfigException neg = assertThrows(ConfigException.class,
                () -> TrainConfig.builder().set("lr", "-1").build());
        assertTrue(neg.getMessage().contains("field=lr"), neg.getMessage());

        ConfigException en = assertThrows(ConfigException.class,
                () -> TrainConfig.builder().set("precision", "fp8"));
        assertTrue(en.getMessage().contains("fp32|fp16|bf16"), en.getMessage());
    }

    @Test
    void shouldRejectUnknownFieldsAndNonScalars() {
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> TrainConfigFiles.parse("{\"stepz\": 3}", false, "job.json"));
        assertTrue(unknown.getMessage().contains("unknown field=stepz"), unknown.getMessage());
        ConfigException nested = assertThrows(ConfigException.class,
                () -> TrainConfigFiles.parse("data:\n  a: 1\n", true, "job.yaml"));
        assertTrue(nested.getMessage().contains("field=data"), nested.getMessage());
        ConfigException malformed = assertThrows(ConfigException.class,
                () -> TrainConfigFiles.parse("{\"steps\": ", false, "job.json"));
        assertTrue(malformed.getMessage().contains("malformed config"), malformed.getMessage());
    }

    @Test
    void shouldRejectWarmupLongerThanTraining() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainConfig.builder().steps(10).warmupSteps(11).build());
        assertTrue(e.getMessage().contains("field=warmup"), e.getMessage());
    }
}
