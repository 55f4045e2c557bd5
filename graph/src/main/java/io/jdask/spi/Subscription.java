package io.jdask.spi;

/** A registration that ends when closed. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
