package io.jdask.array;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code metadata.json} of a stored array: what the chunk files hold and how to check them.
 *
 * @param format always {@value #FORMAT}
 * @param version of this layout
 * @param dtype NumPy's name of the element type
 * @param shape of the whole array
 * @param chunks chunk lengths along each axis
 * @param files one chunk file per block, row-major over the block grid, relative to the directory
 * @param checksums CRC32C of each chunk's data bytes, hexadecimal, in the order of {@code files}
 */
record ArrayMetadata(String format, int version, String dtype, long[] shape, long[][] chunks,
    List<String> files, List<String> checksums) implements java.io.Serializable {
  static final String FORMAT = "jdask-array";
  static final String FILE = "metadata.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  void write(Path dir) throws IOException {
    Path tmp = dir.resolve(FILE + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static ArrayMetadata read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(dir + " is not a stored jdask array: it has no " + FILE);
    }
    ArrayMetadata m;
    try {
      m = JSON.readValue(file.toFile(), ArrayMetadata.class);
    } catch (IOException e) {
      throw new IOException(file + " cannot be read as jdask array metadata: " + e.getMessage(), e);
    }
    m.check(file);
    return m;
  }

  private void check(Path file) throws IOException {
    if (!FORMAT.equals(format) || version != 1) {
      throw new IOException(file + " is not version 1 of the " + FORMAT + " format (format " + format + ", version " + version + ")");
    }
    try {
      DType.of(dtype);
      Chunking c = new Chunking(chunks);
      if (!Arrays.equals(c.shape(), shape)) {
        throw new IOException(file + ": chunks " + c + " do not add up to shape " + Arrays.toString(shape));
      }
      if (files == null || checksums == null || files.size() != c.blockCount() || checksums.size() != c.blockCount()) {
        throw new IOException(file + ": " + c.blockCount() + " blocks need as many files and checksums");
      }
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException(file + " is malformed: " + e.getMessage(), e);
    }
  }
}
