package sessionlab.shop;

import java.util.List;

/** What the servlets need of a cart; each variant's cart class implements it. */
public interface Basket {
    void add(String sku);

    int size();

    List<String> skus();
}
