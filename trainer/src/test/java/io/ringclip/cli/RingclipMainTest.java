package io.ringclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class RingclipMainTest {

    @Test
    void shouldPrintHelpAndSucceed() {
        assertEquals(0, RingclipMain.run("--help"));
    }

    @Test
    void shouldRejectUnknownSubcommand() {
        assertNotEquals(0, RingclipMain.run("no-such-command"));
    }
}
