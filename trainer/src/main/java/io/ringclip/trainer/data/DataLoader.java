package io.ringclip.trainer.data;

import io.ringclip.models.image.ImageDecodeException;
import io.ringclip.models.image.ImagePreprocessor;
import io.ringclip.models.tokenizer.Tokenizer;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams this rank's batches from a {@link DataSource}, endlessly, epoch after epoch.
 *
 * <p>The {@link DistributedSampler} fixes which samples each batch holds; decode threads read,
 * decode, resize, normalise ({@link ImagePreprocessor}) and tokenise them in the background, at most
 * {@code prefetchBatches} batches ahead. Batches are returned strictly in sampler order.
 *
 * <p>A sample whose {@link DataSource#get} or decoding throws {@link BadSampleException} is
 * counted ({@link #skippedCount()}), logged, and replaced by dataset index {@code (i + 1) mod n}
 * (then {@code i + 2}, …) — deterministic, so every rank and every resume sees the same batch.
 *
 * <p>One consumer thread: {@link #next()}, {@link #position()} and {@link #seek} are not
 * thread-safe. The loader does not own the source; close the source separately.
 */
public final class DataLoader implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DataLoader.class.getName());

    /** Consecutive bad dataset indices tolerated before a batch fails: beyond this the data is broken. */
    static final int MAX_CONSECUTIVE_BAD_SAMPLES = 64;

    private final DataSource source;
    private final Tokenizer tokenizer;
    private final LoaderOptions options;
    private final DistributedSampler sampler;
    private final ImagePreprocessor preprocessor;
    private final ExecutorService decodePool;
    private final AtomicLong skipped = new AtomicLong();
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();

    /** Position of the batch the next {@link #next()} returns. */
    private LoaderPosition position;
    /** Position of the next batch to schedule (ahead of {@code position} by the in-flight batches). */
    private LoaderPosition scheduleCursor;
    private boolean closed;

    /** A scheduled batch: its per-sample tasks and the batch they complete. */
    private record Pending(DistributedSampler.Plan plan, CompletableFuture<?>[] samples, CompletableFuture<Batch> batch) {

        /** Cancelled sample tasks that have not started never run (CompletableFuture checks first). */
        void cancel() {
            for (CompletableFuture<?> sample : samples) {
                sample.cancel(false);
            }
            batch.cancel(false);
        }
    }

    private DataLoader(DataSource source, Tokenizer tokenizer, LoaderOptions options) {
        this.source = source;
        this.tokenizer = tokenizer;
        this.options = options;
        this.sampler = new DistributedSampler(source.size(), options.rank(), options.worldSize(),
                options.batchPerRank(), options.seed(), options.dropLast());
        this.preprocessor = new ImagePreprocessor(options.preprocessing());
        AtomicInteger threadId = new AtomicInteger();
        this.decodePool = Executors.newFixedThreadPool(options.decodeThreads(), task -> {
            Thread thread = new Thread(task, "ringclip-data-decode-r" + options.rank() + "-" + threadId.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        this.position = sampler.normalise(LoaderPosition.START);
        this.scheduleCursor = position;
        fill();
    }

    public static DataLoader open(DataSource source, Tokenizer tokenizer, LoaderOptions options) {
        return new DataLoader(source, tokenizer, options);
    }

    /** The next batch for this rank; blocks up to {@code nextTimeout}. */
    public Batch next() {
        ensureOpen();
        Pending head = inFlight.peek();
        Batch batch;
        try {
            batch = head.batch().get(options.nextTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new DataLoaderTimeoutException("batch not ready: epoch=" + head.plan().position().epoch()
                    + ", indexInEpoch=" + head.plan().position().indexInEpoch() + ", rank=" + options.rank()
                    + ", timeoutMs=" + options.nextTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch failed: epoch=" + head.plan().position().epoch()
                    + ", indexInEpoch=" + head.plan().position().indexInEpoch() + ", error=" + e.getCause(), e.getCause());
        }
        inFlight.poll();
        position = head.plan().next();
        fill();
        return batch;
    }

    /** Position of the batch the next {@link #next()} call returns; store it in a checkpoint. */
    public LoaderPosition position() {
        return position;
    }

    /** Continues from {@code target} (e.g. a checkpoint's position), dropping prefetched batches. */
    public void seek(LoaderPosition target) {
        ensureOpen();
        inFlight.forEach(Pending::cancel);
        inFlight.clear();
        position = sampler.normalise(target);
        scheduleCursor = position;
        fill();
    }

    /** Bad samples met so far (including in prefetched batches), each replaced by another. */
    public long skippedCount() {
        return skipped.get();
    }

    /** Global batches in one epoch from cursor 0 (for eval passes and progress). */
    public long batchesPerEpoch() {
        return sampler.batchesPerEpoch();
    }

    public LoaderOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inFlight.forEach(Pending::cancel);
        inFlight.clear();
        decodePool.shutdownNow();
        try {
            if (!decodePool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "decode threads still running after close: rank=" + options.rank());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("data loader is closed");
        }
    }

    /** Schedules batches until {@code prefetchBatches} are in flight. */
    private void fill() {
        while (inFlight.size() < options.prefetchBatches()) {
            DistributedSampler.Plan plan = sampler.plan(scheduleCursor);
            scheduleCursor = plan.next();
            inFlight.add(schedule(plan));
        }
    }

    private Pending schedule(DistributedSampler.Plan plan) {
        int[] datasetIndices = plan.datasetIndices();
        int size = datasetIndices.length;
        Batch batch = new Batch(new float[size * options.preprocessing().pixelsPerImage()],
                new int[size * options.contextLength()], new int[size], size);
        CompletableFuture<?>[] samples = new CompletableFuture<?>[size];
        for (int slot = 0; slot < size; slot++) {
            int s = slot;
            samples[slot] = CompletableFuture.runAsync(() -> loadSample(batch, s, datasetIndices[s]), decodePool);
        }
        return new Pending(plan, samples, CompletableFuture.allOf(samples).thenApply(ignored -> batch));
    }

    /** Fills slot {@code slot} of {@code batch} from dataset index {@code index}, or its substitute. */
    private void loadSample(Batch batch, int slot, int index) {
        int candidate = index;
        for (int attempt = 0; attempt < MAX_CONSECUTIVE_BAD_SAMPLES; attempt++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("data loader closed");
            }
            try {
                writeSample(batch, slot, source.get(candidate), candidate);
                return;
            } catch (BadSampleException e) {
                skipped.incrementAndGet();
                int substitute = (candidate + 1) % source.size();
                LOG.log(System.Logger.Level.WARNING, "skipping bad sample: index=" + candidate
                        + ", substitute=" + substitute + ", reason=" + e.getMessage());
                candidate = substitute;
            }
        }
        throw new IllegalStateException("too many consecutive bad samples: firstIndex=" + index
                + ", attempts=" + MAX_CONSECUTIVE_BAD_SAMPLES + ", source=" + source.describe());
    }

    private void writeSample(Batch batch, int slot, Example example, int index) {
        float[] pixels = switch (example.image()) {
            case RawImage raw -> preprocessor.apply(raw.planes255(), raw.width(), raw.height());
            case EncodedImage encoded -> decode(encoded);
        };
        String caption = example.caption();
        if (caption == null || caption.isBlank()) {
            throw new BadSampleException("empty caption: index=" + index);
        }
        int contextLength = options.contextLength();
        int[] tokens;
        // The Tokenizer contract does not promise thread safety, so serialise it; it costs little
        // next to image decoding.
        synchronized (tokenizer) {
            tokens = tokenizer.encode(caption, contextLength);
        }
        if (tokens.length != contextLength) {
            throw new IllegalStateException("tokenizer returned wrong length: expected=" + contextLength
                    + ", actual=" + tokens.length);
        }
        System.arraycopy(pixels, 0, batch.images(), slot * pixels.length, pixels.length);
        System.arraycopy(tokens, 0, batch.tokens(), slot * contextLength, contextLength);
        batch.labels()[slot] = example.label();
    }

    private float[] decode(EncodedImage encoded) {
        try {
            return preprocessor.decode(encoded.bytes());
        } catch (ImageDecodeException e) {
            throw new BadSampleException(e.getMessage() + ", origin=" + encoded.origin(), e);
        }
    }
}
