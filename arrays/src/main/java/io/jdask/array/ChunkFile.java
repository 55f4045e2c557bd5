package io.jdask.array;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.ReferenceManager;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One chunk of an array as one Arrow IPC file, written without copying the chunk and read back
 * by memory-mapping it.
 *
 * <p>The file is a standard Arrow IPC <em>file</em> (the {@code ArrowFileWriter} format: magic,
 * schema, one record batch, end-of-stream marker, footer, magic), so pyarrow, Arrow C++ or
 * {@code ArrowFileReader} read it too. Its schema has one non-nullable column {@value #COLUMN}
 * of {@link DType#arrowType()}; the record batch carries an empty validity buffer (null count 0,
 * which the format allows) and the elements as the data buffer.
 *
 * <p>Why not {@code ArrowFileWriter} and {@code ArrowFileReader}: the writer needs the data in a
 * vector, which means a copy or an allocator-owned buffer, and the reader copies the whole file
 * into its allocator. Here the writer hands the caller's memory to the channel through an
 * {@link ArrowBuf} that merely describes it, and {@link #map} parses only the footer and the
 * record batch's metadata (a few hundred bytes of flatbuffers) and returns the address of the
 * data inside the mapping, so a read costs page faults and no copy.
 *
 * <p>Structure checks catch truncated, foreign and mismatched files, but not bit flips inside the
 * data: for those the caller records {@link #checksum} with the chunk's metadata and compares it
 * after mapping.
 */
final class ChunkFile {

  /** The name of the single column. */
  static final String COLUMN = "values";

  private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);
  /** Leading magic padded to 8 bytes, footer length, trailing magic: less is not a file. */
  private static final int MIN_FILE_SIZE = 8 + 4 + MAGIC.length;
  /** CRC32C is fed in slices because a direct ByteBuffer holds at most 2^31-1 bytes. */
  private static final int CHECKSUM_SLICE = 1 << 30;

  private ChunkFile() {}

  /**
   * Writes {@code count} elements of {@code dtype}, which lie contiguous and little-endian in
   * native memory at {@code address}, as the chunk file {@code file}.
   *
   * <p>The bytes go from {@code address} straight to the file channel (no copy in Java). They are
   * written to a temporary file in the same directory, which is then renamed over {@code file}:
   * a crash of the writing process leaves either the old file or the complete new one, never a
   * partial file under the final name (a killed writer may leave its {@code .<name>.<random>.tmp}
   * file behind, for whoever cleans the directory). The file is not fsynced: on a real disk that
   * costs more than writing into the page cache, and an intermediate chunk can be recomputed;
   * after a power loss a renamed file may lack its data, which {@link #map} or the checksum then
   * reports.
   *
   * @throws IllegalArgumentException if {@code count} is negative or the chunk is 2 GiB or more
   */
  static void write(Path file, DType dtype, long address, long count) throws IOException {
    long byteLength = byteLength(dtype, count);
    Path target = file.toAbsolutePath();
    // Not Files.createTempFile: its files are private to the owner (0600), the chunk must get the
    // permissions any new file gets.
    String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + random + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        List<ArrowBuf> buffers = List.of(describe(address, 0), describe(address, byteLength));
        writeIpcFile(channel, dtype, count, buffers);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Writes an IPC file of one record batch of {@code length} elements with the given validity and
   * data buffers, exactly as {@code ArrowFileWriter} lays it out. Package-private so that tests
   * can produce structurally wrong files with the real writer.
   */
  static void writeIpcFile(WritableByteChannel channel, DType dtype, long length, List<ArrowBuf> buffers)
      throws IOException {
    Schema schema = schema(dtype);
    WriteChannel out = new WriteChannel(channel);
    out.write(MAGIC);
    out.align();
    MessageSerializer.serialize(out, schema);
    ArrowBlock block;
    try (ArrowRecordBatch batch =
        new ArrowRecordBatch(Math.toIntExact(length), List.of(new ArrowFieldNode(length, 0)), buffers)) {
      block = MessageSerializer.serialize(out, batch);
    }
    out.writeIntLittleEndian(MessageSerializer.IPC_CONTINUATION_TOKEN); // end of stream
    out.writeIntLittleEndian(0);
    long footerStart = out.getCurrentPosition();
    out.write(new ArrowFooter(schema, List.of(), List.of(block)), false);
    out.writeIntLittleEndian(Math.toIntExact(out.getCurrentPosition() - footerStart));
    out.write(MAGIC);
  }

  /**
   * Maps the chunk file {@code file}, checks that it holds exactly {@code expectedCount} elements
   * of {@code expected}, and returns the mapped data. {@code chunkName} (the chunk's key in the
   * array's metadata) only serves error messages, which name it and the file.
   *
   * @throws NoSuchFileException if the file is missing
   * @throws CorruptChunkException if the file is not such a chunk
   */
  static MappedChunk map(Path file, DType expected, long expectedCount, String chunkName)
      throws IOException {
    long expectedBytes = byteLength(expected, expectedCount);
    MappedByteBuffer mapping;
    try (FileChannel channel = open(file, chunkName)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new CorruptChunkException(
            file, chunkName, "it has " + size + " bytes; chunk files of 2 GiB or more are not supported");
      }
      if (size < MIN_FILE_SIZE) {
        throw new CorruptChunkException(
            file, chunkName, "it has " + size + " bytes, fewer than the " + MIN_FILE_SIZE
                + " of the smallest Arrow IPC file (truncated?)");
      }
      mapping = MappedChunk.mapReadOnly(channel, file, 0, size);
    }
    try {
      long dataOffset;
      try {
        dataOffset = locateData(mapping, file, expected, expectedCount, chunkName);
      } catch (RuntimeException e) {
        // What garbage flatbuffers raise: an offset beyond its slice, a null table, an unknown type.
        throw new CorruptChunkException(file, chunkName, "its metadata cannot be parsed: " + e, e);
      }
      return MappedChunk.of(file, mapping, dataOffset, expectedBytes);
    } catch (IOException | RuntimeException e) {
      MappedChunk.unmap(mapping);
      throw e;
    }
  }

  /**
   * The CRC32C of {@code byteLength} bytes at {@code address}. CRC32C because the JIT compiles
   * {@link CRC32C#update(ByteBuffer)} on a direct buffer to the CPU's CRC32 instructions, so
   * verifying a chunk costs a fraction of reading it.
   */
  static long checksum(long address, long byteLength) {
    CRC32C crc = new CRC32C();
    for (long done = 0; done < byteLength; ) {
      int n = (int) Math.min(byteLength - done, CHECKSUM_SLICE);
      crc.update(MemoryUtil.directBuffer(address + done, n));
      done += n;
    }
    return crc.getValue();
  }

  static Schema schema(DType dtype) {
    return new Schema(List.of(new Field(COLUMN, FieldType.notNullable(dtype.arrowType()), null)));
  }

  private static long byteLength(DType dtype, long count) {
    if (count < 0) {
      throw new IllegalArgumentException("negative element count " + count);
    }
    if (count > Integer.MAX_VALUE / dtype.byteWidth()) {
      throw new IllegalArgumentException(
          count + " " + dtype.numpyName() + " elements make a chunk of 2 GiB or more; use smaller chunks");
    }
    return count * dtype.byteWidth();
  }

  /**
   * An {@link ArrowBuf} over memory the caller owns: no allocator accounts for it and closing it
   * frees nothing. Its writer index marks all bytes readable, which is what the IPC writer sends.
   */
  private static ArrowBuf describe(long address, long byteLength) {
    ArrowBuf buf = new ArrowBuf(ReferenceManager.NO_OP, null, byteLength, address);
    buf.writerIndex(byteLength);
    return buf;
  }

  private static FileChannel open(Path file, String chunkName) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "the file of chunk '" + chunkName + "' is missing");
    } catch (IOException e) {
      throw new IOException("cannot open the file " + file + " of chunk '" + chunkName + "': " + e, e);
    }
  }

  /**
   * Validates the file's structure against the expectation and returns the offset of the data
   * buffer in the file. Every offset and length read from the file is range-checked before use,
   * and the flatbuffers are parsed over slices bounded by their declared sizes, so garbage raises
   * an exception (wrapped by {@link #map}) rather than yield a wrong address.
   */
  private static long locateData(
      ByteBuffer mapping, Path file, DType expected, long expectedCount, String chunkName)
      throws CorruptChunkException {
    ByteBuffer buf = mapping.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int size = buf.capacity();
    if (!hasMagic(buf, 0) || !hasMagic(buf, size - MAGIC.length)) {
      throw new CorruptChunkException(
          file, chunkName, "no Arrow IPC file magic 'ARROW1' at its start and end (truncated or not an Arrow file?)");
    }
    int footerLength = buf.getInt(size - MAGIC.length - 4);
    long footerStart = (long) size - MAGIC.length - 4 - footerLength;
    if (footerLength <= 0 || footerStart < 8) {
      throw new CorruptChunkException(
          file, chunkName, "footer length " + footerLength + " is out of range for a file of " + size + " bytes");
    }
    ArrowFooter footer = new ArrowFooter(Footer.getRootAsFooter(slice(buf, footerStart, footerLength)));
    List<Field> fields = footer.getSchema().getFields();
    if (fields.size() != 1 || !fields.get(0).getType().equals(expected.arrowType())) {
      throw new CorruptChunkException(
          file, chunkName, "its schema is " + footer.getSchema() + ", expected one column of "
              + expected.arrowType() + " (dtype " + expected.numpyName() + ")");
    }
    if (footer.getRecordBatches().size() != 1 || !footer.getDictionaries().isEmpty()) {
      throw new CorruptChunkException(
          file, chunkName, "it holds " + footer.getRecordBatches().size() + " record batches and "
              + footer.getDictionaries().size() + " dictionaries, expected one record batch");
    }
    ArrowBlock block = footer.getRecordBatches().get(0);
    long blockOffset = block.getOffset();
    long metadataLength = block.getMetadataLength();
    long bodyLength = block.getBodyLength();
    if (blockOffset < 8 || blockOffset > footerStart || metadataLength < 8 || bodyLength < 0
        || metadataLength > footerStart - blockOffset
        || bodyLength > footerStart - blockOffset - metadataLength) {
      throw new CorruptChunkException(
          file, chunkName, "its record batch (offset " + blockOffset + ", metadata " + metadataLength
              + " bytes, body " + bodyLength + " bytes) does not lie between the header and the footer at "
              + footerStart);
    }
    Message message = message(buf, blockOffset, (int) metadataLength, file, chunkName);
    if (message.headerType() != MessageHeader.RecordBatch || message.bodyLength() != bodyLength) {
      throw new CorruptChunkException(
          file, chunkName, "the block named by its footer holds a " + MessageHeader.name(message.headerType())
              + " message with a body of " + message.bodyLength() + " bytes, not a record batch of "
              + bodyLength);
    }
    RecordBatch batch = (RecordBatch) message.header(new RecordBatch());
    if (batch.compression() != null) {
      throw new CorruptChunkException(file, chunkName, "its record batch is compressed; chunk files are not");
    }
    if (batch.length() != expectedCount || batch.nodesLength() != 1 || batch.buffersLength() != 2) {
      throw new CorruptChunkException(
          file, chunkName, "it holds " + batch.length() + " elements in " + batch.nodesLength()
              + " columns and " + batch.buffersLength() + " buffers, expected " + expectedCount
              + " elements in 1 column and 2 buffers");
    }
    FieldNode node = batch.nodes(0);
    if (node.length() != expectedCount || node.nullCount() != 0) {
      throw new CorruptChunkException(
          file, chunkName, "its column holds " + node.length() + " elements with " + node.nullCount()
              + " nulls, expected " + expectedCount + " elements and no nulls");
    }
    for (int i = 0; i < 2; i++) {
      Buffer b = batch.buffers(i);
      if (b.offset() < 0 || b.length() < 0 || b.offset() > bodyLength || b.length() > bodyLength - b.offset()) {
        throw new CorruptChunkException(
            file, chunkName, "buffer " + i + " (offset " + b.offset() + ", " + b.length()
                + " bytes) lies outside the record batch body of " + bodyLength + " bytes");
      }
    }
    Buffer data = batch.buffers(1);
    long expectedBytes = expectedCount * expected.byteWidth();
    if (data.length() < expectedBytes) {
      throw new CorruptChunkException(
          file, chunkName, "its data buffer has " + data.length() + " bytes, " + expectedCount + " "
              + expected.numpyName() + " elements need " + expectedBytes);
    }
    return blockOffset + metadataLength + data.offset();
  }

  /** Parses the encapsulated message at the start of a block, checking its length prefix. */
  private static Message message(ByteBuffer buf, long blockOffset, int metadataLength, Path file, String chunkName)
      throws CorruptChunkException {
    // A message starts with the continuation marker -1 and its flatbuffer's size, or (before
    // Arrow 0.15) with the size alone.
    int first = buf.getInt((int) blockOffset);
    int prefix = first == MessageSerializer.IPC_CONTINUATION_TOKEN ? 8 : 4;
    int messageLength = prefix == 8 ? buf.getInt((int) blockOffset + 4) : first;
    if (messageLength <= 0 || messageLength > metadataLength - prefix) {
      throw new CorruptChunkException(
          file, chunkName, "its record batch message length " + messageLength
              + " does not fit the block's " + metadataLength + " metadata bytes");
    }
    return Message.getRootAsMessage(slice(buf, blockOffset + prefix, messageLength));
  }

  private static boolean hasMagic(ByteBuffer buf, int at) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (buf.get(at + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static ByteBuffer slice(ByteBuffer buf, long start, int length) {
    return buf.duplicate().position((int) start).limit((int) start + length).slice().order(ByteOrder.LITTLE_ENDIAN);
  }
}
