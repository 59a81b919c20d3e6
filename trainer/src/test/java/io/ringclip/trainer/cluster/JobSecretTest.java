package io.ringclip.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class JobSecretTest {

    @Test
    void shouldBeHmacSha256OfJobIdKeyedByToken() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                HexFormat.of().formatHex(JobSecret.derive("Jefe", "what do ya want for nothing?")));
    }

    @Test
    void shouldDifferPerJobAndPerToken() {
        byte[] a = JobSecret.derive("token", "job-1");
        assertArrayEquals(a, JobSecret.derive("token", "job-1"));
        assertFalse(Arrays.equals(a, JobSecret.derive("token", "job-2")));
        assertFalse(Arrays.equals(a, JobSecret.derive("other", "job-1")));
        assertEquals(32, JobSecret.derive(null, "job-1").length);
    }

    @Test
    void shouldRejectMissingJobId() {
        assertThrows(IllegalArgumentException.class, () -> JobSecret.derive("t", ""));
    }
}
