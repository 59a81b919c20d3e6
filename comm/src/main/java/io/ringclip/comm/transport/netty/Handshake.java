package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual HMAC-SHA256 challenge/response that opens every connection. Nothing else is read from a
 * connection until it succeeds, and the secret itself never crosses the wire.
 *
 * <pre>
 * acceptor (lower rank)                          dialer (higher rank)
 *   CHALLENGE  magic(4) version(1) kind=0x10(1) nonceA(32)                          = 38 bytes  -->
 *   <-- HELLO  magic(4) version(1) kind=0x11(1) rank(4) jobIdHash(8) generation(8)
 *              nonceB(32) mac(32)                                                   = 90 bytes
 *              mac = HMAC(secret, "RCLP-HELLO" | nonceA | rank | jobIdHash | generation | nonceB)
 *   WELCOME    magic(4) version(1) kind=0x12(1) rank(4) mac(32)                     = 42 bytes  -->
 *              mac = HMAC(secret, "RCLP-WELCOME" | nonceB | nonceA | rank | jobIdHash | generation)
 * </pre>
 * All integers big-endian. The acceptor proves itself with nonceB, so a dialer never sends data to
 * an impostor either. Frames ({@link FrameHeader}) follow.
 */
final class Handshake {

    static final byte KIND_CHALLENGE = 0x10;
    static final byte KIND_HELLO = 0x11;
    static final byte KIND_WELCOME = 0x12;
    static final int NONCE_BYTES = 32;
    static final int MAC_BYTES = 32;
    static final int CHALLENGE_BYTES = 4 + 1 + 1 + NONCE_BYTES;
    static final int HELLO_BYTES = 4 + 1 + 1 + 4 + 8 + 8 + NONCE_BYTES + MAC_BYTES;
    static final int WELCOME_BYTES = 4 + 1 + 1 + 4 + MAC_BYTES;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What both ends must agree on. */
    record Membership(int rank, int worldSize, long jobIdHash, long generation, byte[] secret) {}

    private Handshake() {}

    static byte[] nonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    static byte[] helloMac(byte[] secret, byte[] nonceA, int rank, long jobIdHash, long generation, byte[] nonceB) {
        return hmac(secret, "RCLP-HELLO", nonceA, ints(rank, jobIdHash, generation), nonceB);
    }

    static byte[] welcomeMac(byte[] secret, byte[] nonceB, byte[] nonceA, int rank, long jobIdHash, long generation) {
        return hmac(secret, "RCLP-WELCOME", nonceB, nonceA, ints(rank, jobIdHash, generation));
    }

    /** Constant-time comparison. */
    static boolean macEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** Reads the 6-byte preamble; returns null if it is what is expected, else the reason. */
    static String checkPreamble(ByteBuf in, byte expectedKind) {
        int magic = in.readInt();
        byte version = in.readByte();
        byte kind = in.readByte();
        if (magic != FrameHeader.MAGIC) {
            return "bad magic: magic=0x" + Integer.toHexString(magic);
        }
        if (version != FrameHeader.VERSION) {
            return "unsupported version: version=" + version;
        }
        if (kind != expectedKind) {
            return "unexpected handshake message: kind=" + kind + ", expected=" + expectedKind;
        }
        return null;
    }

    static void writePreamble(ByteBuf out, byte kind) {
        out.writeInt(FrameHeader.MAGIC);
        out.writeByte(FrameHeader.VERSION);
        out.writeByte(kind);
    }

    private static byte[] ints(int rank, long jobIdHash, long generation) {
        return ByteBuffer.allocate(20).putInt(rank).putLong(jobIdHash).putLong(generation).array();
    }

    private static byte[] hmac(byte[] secret, String label, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
