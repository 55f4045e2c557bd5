package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ChunkFileTest {

  private static final String CHUNK = "x/3.1";

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void createAllocator() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void allArrowMemoryIsReleased() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  static Stream<Arguments> dtypesAndCounts() {
    // 13 elements are 13, 52 or 104 bytes: not a multiple of 64 (nor of 8 for bool and int32).
    return Arrays.stream(DType.values())
        .flatMap(d -> Stream.of(0L, 1L, 13L, 1000L).map(n -> Arguments.of(d, n)));
  }

  @ParameterizedTest
  @MethodSource("dtypesAndCounts")
  void roundTripsEveryDType(DType dtype, long count) throws IOException {
    Path file = dir.resolve("chunk.arrow");
    try (ArrowBuf source = filled(dtype, count)) {
      ChunkFile.write(file, dtype, source.memoryAddress(), count);
      long sourceChecksum = ChunkFile.checksum(source.memoryAddress(), count * dtype.byteWidth());
      try (MappedChunk chunk = ChunkFile.map(file, dtype, count, CHUNK)) {
        assertEquals(count * dtype.byteWidth(), chunk.byteLength());
        for (long i = 0; i < count; i++) {
          assertEquals(expected(dtype, i), valueAt(chunk.address(), dtype, i), dtype + "[" + i + "]");
        }
        assertEquals(sourceChecksum, ChunkFile.checksum(chunk.address(), chunk.byteLength()));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "the temporary file is gone");
    }
    assertEquals(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain"))), Files.getPosixFilePermissions(file),
        "a chunk gets the permissions of any new file");
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void plainArrowFileReaderReadsAChunk(DType dtype) throws IOException {
    Path file = dir.resolve("chunk.arrow");
    int count = 100;
    try (ArrowBuf source = filled(dtype, count)) {
      ChunkFile.write(file, dtype, source.memoryAddress(), count);
    }
    try (FileChannel channel = FileChannel.open(file);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
      assertEquals(1, reader.getRecordBlocks().size());
      assertTrue(reader.loadNextBatch());
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      assertEquals(ChunkFile.schema(dtype), root.getSchema());
      FieldVector vector = root.getVector(ChunkFile.COLUMN);
      assertEquals(count, vector.getValueCount());
      assertEquals(0, vector.getNullCount());
      for (int i = 0; i < count; i++) {
        assertEquals(expected(dtype, i), ((Number) vector.getObject(i)).doubleValue(), dtype + "[" + i + "]");
      }
    }
  }

  @Test
  void mapsAFileWrittenByArrowFileWriter() throws IOException {
    Path file = dir.resolve("by-arrow.arrow");
    Schema schema = ChunkFile.schema(DType.FLOAT64);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
      Float8Vector vector = (Float8Vector) root.getVector(0);
      vector.allocateNew(5);
      for (int i = 0; i < 5; i++) {
        vector.set(i, expected(DType.FLOAT64, i));
      }
      root.setRowCount(5);
      writer.start();
      writer.writeBatch(); // with a validity buffer, unlike ChunkFile.write
      writer.end();
    }
    try (MappedChunk chunk = ChunkFile.map(file, DType.FLOAT64, 5, CHUNK)) {
      for (int i = 0; i < 5; i++) {
        assertEquals(expected(DType.FLOAT64, i), valueAt(chunk.address(), DType.FLOAT64, i));
      }
    }
  }

  @Test
  void truncatedFileIsReportedWithFileAndChunk() throws IOException {
    Path file = written(DType.FLOAT64, 100);
    byte[] bytes = Files.readAllBytes(file);
    for (int cut : new int[] {0, 5, 8, 17, bytes.length / 2, bytes.length - 11, bytes.length - 1}) {
      Path truncated = dir.resolve("cut-" + cut + ".arrow");
      Files.write(truncated, Arrays.copyOf(bytes, cut));
      assertCorrupt(truncated, DType.FLOAT64, 100, "");
    }
  }

  @Test
  void missingFileIsReportedWithFileAndChunk() {
    Path file = dir.resolve("absent.arrow");
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> ChunkFile.map(file, DType.INT32, 3, CHUNK));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(CHUNK), e.getMessage());
  }

  @Test
  void flippedMagicIsReported() throws IOException {
    Path file = written(DType.INT32, 10);
    byte[] bytes = Files.readAllBytes(file);
    for (int at : new int[] {0, bytes.length - 1}) {
      byte[] copy = bytes.clone();
      copy[at] ^= 0x20;
      Path flipped = dir.resolve("magic-" + at + ".arrow");
      Files.write(flipped, copy);
      assertCorrupt(flipped, DType.INT32, 10, "magic");
    }
  }

  @Test
  void wrongDTypeIsReported() throws IOException {
    assertCorrupt(written(DType.INT64, 10), DType.FLOAT64, 10, "float64");
    assertCorrupt(written(DType.FLOAT32, 10), DType.INT32, 10, "int32");
    assertCorrupt(written(DType.INT32, 10), DType.BOOL, 10, "bool");
  }

  @Test
  void wrongCountIsReported() throws IOException {
    Path file = written(DType.FLOAT32, 10);
    assertCorrupt(file, DType.FLOAT32, 9, "expected 9 elements");
    assertCorrupt(file, DType.FLOAT32, 11, "expected 11 elements");
  }

  @Test
  void footerLengthOutOfRangeIsReported() throws IOException {
    Path file = written(DType.INT64, 10);
    byte[] bytes = Files.readAllBytes(file);
    for (int footerLength : new int[] {0, -5, bytes.length - 10, Integer.MAX_VALUE}) {
      byte[] copy = bytes.clone();
      int at = bytes.length - 10;
      for (int i = 0; i < 4; i++) {
        copy[at + i] = (byte) (footerLength >>> (8 * i));
      }
      Path damaged = dir.resolve("footer-" + footerLength + ".arrow");
      Files.write(damaged, copy);
      assertCorrupt(damaged, DType.INT64, 10, "footer length");
    }
  }

  @Test
  void recordBatchBeyondItsPlaceIsReported() throws IOException {
    Path file = written(DType.FLOAT64, 1000);
    byte[] bytes = Files.readAllBytes(file);
    // Cut 800 bytes out of the body: the footer survives but its block now overlaps it.
    byte[] shorter = new byte[bytes.length - 800];
    System.arraycopy(bytes, 0, shorter, 0, 1000);
    System.arraycopy(bytes, 1800, shorter, 1000, bytes.length - 1800);
    Path damaged = dir.resolve("short-body.arrow");
    Files.write(damaged, shorter);
    assertCorrupt(damaged, DType.FLOAT64, 1000, "does not lie between");
  }

  @Test
  void dataBufferShorterThanItsCountIsReported() throws IOException {
    Path file = dir.resolve("lying.arrow");
    try (ArrowBuf validity = allocator.buffer(0);
        ArrowBuf eightBytes = allocator.buffer(8);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      eightBytes.setLong(0, 42);
      eightBytes.writerIndex(8);
      ChunkFile.writeIpcFile(channel, DType.FLOAT64, 100, List.of(validity, eightBytes));
    }
    assertCorrupt(file, DType.FLOAT64, 100, "data buffer has 8 bytes");
  }

  @Test
  void secondColumnIsReported() throws IOException {
    Path file = dir.resolve("two-columns.arrow");
    FieldType float64 = FieldType.notNullable(DType.FLOAT64.arrowType());
    Schema schema = new Schema(List.of(new Field("values", float64, null), new Field("more", float64, null)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
      root.allocateNew();
      root.setRowCount(0);
      writer.start();
      writer.writeBatch();
      writer.end();
    }
    assertCorrupt(file, DType.FLOAT64, 0, "expected one column");
  }

  @Test
  void damagedMetadataNeverYieldsWrongData() throws IOException {
    int count = 100;
    Located chunkFile = writeLocated(DType.FLOAT64, count);
    byte[] bytes = Files.readAllBytes(chunkFile.file());
    int dataStart = chunkFile.dataStart();
    int dataEnd = dataStart + count * 8;
    Random random = new Random(20261203);
    Path damaged = dir.resolve("damaged.arrow");
    int mapped = 0;
    for (int round = 0; round < 3000; round++) {
      byte[] copy = bytes.clone();
      for (int k = 1 + random.nextInt(4); k > 0; k--) { // outside the data: what structure checks cover
        int at = random.nextInt(bytes.length - (dataEnd - dataStart));
        copy[at < dataStart ? at : at + dataEnd - dataStart] = (byte) random.nextInt();
      }
      Files.write(damaged, copy);
      try (MappedChunk chunk = ChunkFile.map(damaged, DType.FLOAT64, count, CHUNK)) {
        assertEquals(chunkFile.checksum(), ChunkFile.checksum(chunk.address(), chunk.byteLength()), "round " + round);
        mapped++; // the damage hit bytes that do not matter, such as padding
      } catch (CorruptChunkException expected) {
        assertTrue(expected.getMessage().contains(CHUNK), expected.getMessage());
      }
    }
    assertTrue(mapped < 3000, "some damage is detected");
  }

  @Test
  void checksumDetectsAFlippedDataByte() throws IOException {
    int count = 1000;
    Located chunkFile = writeLocated(DType.INT64, count);
    byte[] bytes = Files.readAllBytes(chunkFile.file());
    bytes[chunkFile.dataStart() + 4321] ^= 0x01;
    Files.write(chunkFile.file(), bytes);
    try (MappedChunk chunk = ChunkFile.map(chunkFile.file(), DType.INT64, count, CHUNK)) { // structure is fine
      assertNotEquals(chunkFile.checksum(), ChunkFile.checksum(chunk.address(), chunk.byteLength()));
    }
  }

  @Test
  void checksumOfNothingIsZeroAndOfKnownBytesIsTheStandardCrc32c() {
    assertEquals(0, ChunkFile.checksum(0, 0));
    byte[] digits = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (ArrowBuf buf = allocator.buffer(digits.length)) {
      buf.setBytes(0, digits);
      assertEquals(0xE3069283L, ChunkFile.checksum(buf.memoryAddress(), digits.length)); // RFC 3720 check value
    }
  }

  @Test
  void closeUnmapsTheFile() throws IOException {
    Path file = written(DType.FLOAT64, 1000).toRealPath();
    MappedChunk chunk = ChunkFile.map(file, DType.FLOAT64, 1000, CHUNK);
    assertEquals(expected(DType.FLOAT64, 999), valueAt(chunk.address(), DType.FLOAT64, 999));
    assertTrue(mappedFiles().contains(file.toString()), "mapped while open");
    chunk.close();
    assertFalse(mappedFiles().contains(file.toString()), "unmapped after close");
    assertThrows(IllegalStateException.class, chunk::address);
    chunk.close(); // a second close does nothing
    Files.delete(file);
  }

  @Test
  void writeReplacesAnExistingChunk() throws IOException {
    Path file = written(DType.INT32, 10);
    try (ArrowBuf source = filled(DType.INT32, 20)) {
      ChunkFile.write(file, DType.INT32, source.memoryAddress(), 20);
    }
    ChunkFile.map(file, DType.INT32, 20, CHUNK).close();
    assertCorrupt(file, DType.INT32, 10, "expected 10 elements");
  }

  @Test
  void chunksOf2GiBAreRefusedBeforeAnythingIsWritten() {
    Path file = dir.resolve("huge.arrow");
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> ChunkFile.write(file, DType.FLOAT64, 0, 1L << 28));
    assertTrue(e.getMessage().contains("2 GiB"), e.getMessage());
    assertFalse(Files.exists(file));
  }

  // --- helpers -------------------------------------------------------------------------------

  private Path written(DType dtype, long count) throws IOException {
    Path file = Files.createTempFile(dir, dtype.numpyName() + "-", ".arrow");
    try (ArrowBuf source = filled(dtype, count)) {
      ChunkFile.write(file, dtype, source.memoryAddress(), count);
    }
    return file;
  }

  /** A chunk file, the checksum of its data and where in the file the data starts. */
  private record Located(Path file, long checksum, int dataStart) {}

  private Located writeLocated(DType dtype, int count) throws IOException {
    Path file = dir.resolve("chunk.arrow");
    long checksum;
    byte[] firstBytes = new byte[16];
    try (ArrowBuf source = filled(dtype, count)) {
      ChunkFile.write(file, dtype, source.memoryAddress(), count);
      checksum = ChunkFile.checksum(source.memoryAddress(), (long) count * dtype.byteWidth());
      source.getBytes(0, firstBytes);
    }
    return new Located(file, checksum, indexOf(Files.readAllBytes(file), firstBytes));
  }

  private static void assertCorrupt(Path file, DType dtype, long count, String detail) {
    CorruptChunkException e =
        assertThrows(CorruptChunkException.class, () -> ChunkFile.map(file, dtype, count, CHUNK), file.toString());
    String message = e.getMessage();
    assertTrue(message.contains(file.toString()), message);
    assertTrue(message.contains("'" + CHUNK + "'"), message);
    assertTrue(message.contains(detail), message);
  }

  /** A buffer of {@code count} elements whose values {@link #expected} predicts. */
  private ArrowBuf filled(DType dtype, long count) {
    ArrowBuf buf = allocator.buffer(Math.max(1, count * dtype.byteWidth()));
    long a = buf.memoryAddress();
    for (long i = 0; i < count; i++) {
      double v = expected(dtype, i);
      switch (dtype) {
        case FLOAT64 -> MemoryUtil.putLong(a + 8 * i, Double.doubleToRawLongBits(v));
        case FLOAT32 -> MemoryUtil.putInt(a + 4 * i, Float.floatToRawIntBits((float) v));
        case INT64 -> MemoryUtil.putLong(a + 8 * i, (long) v);
        case INT32 -> MemoryUtil.putInt(a + 4 * i, (int) v);
        case BOOL -> MemoryUtil.putByte(a + i, (byte) v);
      }
    }
    return buf;
  }

  private static double expected(DType dtype, long i) {
    return switch (dtype) {
      case FLOAT64 -> i * 1.25 - 3e9;
      case FLOAT32 -> i * 0.5f - 7;
      case INT64 -> i * 1_000_000_007L - 5;
      case INT32 -> (int) (i * 7919 - 100);
      case BOOL -> i % 3 == 0 ? 1 : 0;
    };
  }

  private static double valueAt(long address, DType dtype, long i) {
    return switch (dtype) {
      case FLOAT64 -> Double.longBitsToDouble(MemoryUtil.getLong(address + 8 * i));
      case FLOAT32 -> Float.intBitsToFloat(MemoryUtil.getInt(address + 4 * i));
      case INT64 -> MemoryUtil.getLong(address + 8 * i);
      case INT32 -> MemoryUtil.getInt(address + 4 * i);
      case BOOL -> MemoryUtil.getByte(address + i);
    };
  }

  private static String mappedFiles() throws IOException {
    return Files.readString(Path.of("/proc/self/maps"));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("data not found in the file");
  }
}
