package io.ringclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BenchGemmCommandTest {

    @Test
    void shouldExpandShapesWithoutModeIntoEveryMode() {
        List<BenchGemmCommand.Product> products =
                BenchGemmCommand.parseProducts(List.of("NT:12800x384x128", "2×3×4"), List.of("NN", "TN"));
        assertEquals(List.of(new BenchGemmCommand.Product("NT", 12800, 384, 128),
                new BenchGemmCommand.Product("NN", 2, 3, 4), new BenchGemmCommand.Product("TN", 2, 3, 4)), products);
    }

    @Test
    void shouldRejectMalformedProducts() {
        assertThrows(IllegalArgumentException.class, () -> BenchGemmCommand.parseProducts(List.of("12x3"), List.of("NN")));
        assertThrows(IllegalArgumentException.class, () -> BenchGemmCommand.parseProducts(List.of("XY:1x2x3"), List.of("NN")));
        assertThrows(IllegalArgumentException.class, () -> BenchGemmCommand.parseProducts(List.of("0x2x3"), List.of("NN")));
    }

    @Test
    void shouldListTinysThreeLayerProductsPerLinearLayer() {
        List<BenchGemmCommand.Product> products =
                BenchGemmCommand.parseProducts(List.of(BenchGemmCommand.DEFAULT_PRODUCTS.split(",")), List.of());
        assertTrue(products.contains(new BenchGemmCommand.Product("NT", 12800, 384, 128)));  // qkv forward
        assertTrue(products.contains(new BenchGemmCommand.Product("NN", 12800, 128, 384)));  // qkv dX
        assertTrue(products.contains(new BenchGemmCommand.Product("TN", 384, 128, 12800)));  // qkv dW
    }

    @Test
    @Timeout(60)
    void shouldRunAndWriteJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("gemm.json");
        int exit = RingclipMain.run("bench", "gemm", "--shapes", "NT:7x9x5", "--threads", "1",
                "--min-seconds", "0", "--min-reps", "1", "--json", json.toString());
        assertEquals(0, exit);
        String text = Files.readString(json);
        assertTrue(text.contains("\"mode\" : \"NT\"") && text.contains("\"gflops_median\""), text);
    }
}
