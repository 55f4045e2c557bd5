package io.jdask.array;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.graph.Task;
import io.jdask.graph.TaskFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Arrays on disk: a directory of one Arrow IPC file per chunk plus {@code metadata.json}
 * ({@link ArrayMetadata}), and NumPy {@code .npy} files.
 *
 * <p>Reading maps files instead of copying them: an opened chunk is the mapping itself
 * ({@link MappedChunk}), released (unmapped) as soon as its last reader has run, so an array
 * many times larger than memory streams through a computation. The CRC32C of every chunk is
 * recorded when it is stored and checked when it is read (about 12 GB/s here, see
 * {@code docs/arrays.md}; configuration key {@value #VERIFY_KEY}), so damage inside a chunk's
 * data is an error naming the file and the chunk, never wrong numbers.
 */
final class Storage {
  /** Set to {@code false} to skip the CRC32C check of chunks read from a stored array. */
  static final String VERIFY_KEY = "array.verify-checksums";

  private Storage() {}

  static String fileName(int[] coords) {
    StringBuilder b = new StringBuilder("c");
    for (int i = 0; i < coords.length; i++) {
      b.append(i == 0 ? "" : ".").append(coords[i]);
    }
    return b.append(".arrow").toString();
  }

  static String chunkName(int[] coords) {
    return "chunk " + Arrays.toString(coords).replace('[', '(').replace(']', ')');
  }

  // ---------------------------------------------------------------- store / open

  static void store(NdArray x, Path path) {
    Path dir = path.toAbsolutePath();
    try {
      if (Files.exists(dir)) {
        boolean empty = Files.isDirectory(dir);
        if (empty) {
          try (Stream<Path> s = Files.list(dir)) {
            empty = s.findAny().isEmpty();
          }
        }
        if (!empty) {
          throw new IllegalArgumentException(dir + " already exists and is not an empty directory; delete it or choose another path");
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + dir, e);
    }
    Chunking c = x.chunking();
    Object[] written = new Object[c.blockCount()];
    List<String> files = new ArrayList<>();
    StoreChunk storeFn = new StoreChunk(dir.toString());
    for (int b = 0; b < written.length; b++) {
      String name = fileName(c.coords(b));
      files.add(name);
      written[b] = Task.of("store", storeFn, x.block(b), name);
    }
    ArrayMetadata head = new ArrayMetadata(ArrayMetadata.FORMAT, 1, x.dtype().numpyName(), c.shape(), c.sizes(), files, List.of());
    Task done = Task.of("store-metadata", new WriteMetadata(dir.toString(), head), written);
    Delayed.fromTask(done).compute();
  }

  /** Writes one chunk; its result is the checksum for the metadata. */
  record StoreChunk(String dir) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) throws IOException {
      Chunk chunk = (Chunk) a[0];
      ChunkFile.write(Path.of(dir, (String) a[1]), chunk.dtype(), chunk.address(), chunk.size());
      return ChunkFile.checksum(chunk.address(), chunk.byteLength());
    }
  }

  /** Writes {@code metadata.json} once every chunk is on disk: a store without it is not an array. */
  record WriteMetadata(String dir, ArrayMetadata head) implements TaskFunction {
    @Override
    public Object apply(Object[] a) throws IOException {
      List<String> sums = new ArrayList<>(a.length);
      for (Object o : a) {
        sums.add(Long.toHexString((Long) o));
      }
      new ArrayMetadata(head.format(), head.version(), head.dtype(), head.shape(), head.chunks(), head.files(), sums)
          .write(Path.of(dir));
      return null;
    }
  }

  static NdArray open(Path path) {
    Path dir = path.toAbsolutePath();
    ArrayMetadata m;
    try {
      m = ArrayMetadata.read(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    DType dtype = DType.of(m.dtype());
    Chunking c = new Chunking(m.chunks());
    boolean verify = Config.get(VERIFY_KEY).map(Boolean::parseBoolean).orElse(true);
    Task[] blocks = new Task[c.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      int[] coords = c.coords(b);
      long sum = verify ? Long.parseUnsignedLong(m.checksums().get(b), 16) : -1;
      blocks[b] = Task.of("open-chunk", new OpenChunk(dtype, c.blockShape(coords),
          dir.resolve(m.files().get(b)).toString(), chunkName(coords) + " of " + dir, verify, sum));
    }
    return new NdArray(dtype, c, blocks);
  }

  /** One stored chunk, mapped; checked against its recorded checksum when {@code verify}. */
  record OpenChunk(DType dtype, long[] shape, String file, String name, boolean verify, long checksum)
      implements ChunkFunction {
    @Override
    public Object compute(Object[] a) throws IOException {
      Path p = Path.of(file);
      MappedChunk m = ChunkFile.map(p, dtype, Chunk.product(shape), name);
      try {
        if (verify && ChunkFile.checksum(m.address(), m.byteLength()) != checksum) {
          throw new CorruptChunkException(p, name, "its data does not match the checksum recorded when it was stored");
        }
        return Chunk.wrap(dtype, shape, m.address(), m);
      } catch (IOException | RuntimeException e) {
        m.close();
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- .npy

  static NdArray fromNpy(Path path, long[] chunks) {
    Path file = path.toAbsolutePath();
    NpyHeader h;
    try {
      h = NpyFormat.readHeader(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    Chunking c = Chunking.regular(h.shape(), chunks.length == 0 ? Chunking.negativeOnes(h.shape().length) : chunks);
    Task[] blocks = new Task[c.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      int[] coords = c.coords(b);
      blocks[b] = Task.of("from-npy", new NpyChunk(file.toString(), h, c.blockOffset(coords), c.blockShape(coords)));
    }
    return new NdArray(h.dtype(), c, blocks);
  }

  /**
   * One block of a {@code .npy} file. A block that is one contiguous run of the file (whole
   * along every axis after its first partial one) is the mapping itself; any other block is
   * copied row by row out of the mapping of the rows it spans.
   */
  record NpyChunk(String file, NpyHeader header, long[] offset, long[] shape) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) throws IOException {
      long[] full = header.shape();
      long[] stride = Broadcast.contiguousStrides(full);
      int w = header.dtype().byteWidth();
      int ndim = full.length;
      long first = 0;
      long last = 0;
      for (int k = 0; k < ndim; k++) {
        first += offset[k] * stride[k];
        last += (offset[k] + Math.max(shape[k], 1) - 1) * stride[k];
      }
      long size = Chunk.product(shape);
      long span = size == 0 ? 0 : (last - first + 1) * w;
      MappedChunk m = NpyFormat.mapData(Path.of(file), header, first * w, span);
      if (span == size * w) {
        return Chunk.wrap(header.dtype(), shape, m.address(), m);
      }
      try (m) {
        Chunk out = Chunk.allocate(header.dtype(), shape);
        long inner = shape[ndim - 1];
        int[] idx = new int[ndim];
        for (long dst = 0; dst < size; dst += inner) {
          long src = 0;
          for (int k = 0; k < ndim - 1; k++) {
            src += idx[k] * stride[k];
          }
          MemoryUtil.copyMemory(m.address() + src * w, out.address() + dst * w, inner * w);
          for (int k = ndim - 2; k >= 0; k--) {
            if (++idx[k] < shape[k]) {
              break;
            }
            idx[k] = 0;
          }
        }
        return out;
      }
    }
  }

  static void toNpy(NdArray x, Path path) {
    Path file = path.toAbsolutePath();
    long dataOffset;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      NpyFormat.writeHeader(ch, x.dtype(), x.shape());
      dataOffset = ch.position();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
    Chunking c = x.chunking();
    Object[] written = new Object[c.blockCount()];
    NpyWrite fn = new NpyWrite(file.toString(), dataOffset, c.shape());
    for (int b = 0; b < written.length; b++) {
      written[b] = Task.of("to-npy", fn, x.block(b), c.blockOffset(c.coords(b)));
    }
    Delayed.fromTask(Task.of("to-npy-done", (TaskFunction) args -> null, written)).compute();
  }

  /** Writes one block's rows at their places in the {@code .npy} file (blocks write disjoint bytes). */
  record NpyWrite(String file, long dataOffset, long[] arrayShape) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) throws IOException {
      Chunk chunk = (Chunk) a[0];
      long[] offset = (long[]) a[1];
      long[] shape = chunk.shape();
      int ndim = shape.length;
      int w = chunk.dtype().byteWidth();
      long[] stride = Broadcast.contiguousStrides(arrayShape);
      long inner = ndim == 0 ? 1 : shape[ndim - 1];
      try (FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.WRITE)) {
        int[] idx = new int[ndim];
        for (long src = 0; src < chunk.size(); src += inner) {
          long dst = 0;
          for (int k = 0; k < ndim; k++) {
            dst += (offset[k] + (k == ndim - 1 ? 0 : idx[k])) * stride[k];
          }
          ByteBuffer run = MemoryUtil.directBuffer(chunk.address() + src * w, Math.toIntExact(inner * w));
          long pos = dataOffset + dst * w;
          while (run.hasRemaining()) {
            pos += ch.write(run, pos);
          }
          for (int k = ndim - 2; k >= 0; k--) {
            if (++idx[k] < shape[k]) {
              break;
            }
            idx[k] = 0;
          }
        }
      }
      return null;
    }
  }
}
