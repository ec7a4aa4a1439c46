package sessionlab.shop;

import java.util.List;

/** Failure mode 1: a cart whose class is not Serializable at all (it keeps its items in a Cart of its own). */
public class PlainCart implements Basket {
    private final Cart items = new Cart();

    @Override
    public void add(String sku) {
        items.add(sku);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public List<String> skus() {
        return items.skus();
    }
}
