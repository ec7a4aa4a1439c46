package sessionlab.shop;

import java.util.ArrayList;
import java.util.List;

/** Failure mode 1: a cart whose class is not Serializable at all. */
public class PlainCart implements Basket {
    private final ArrayList<String> skus = new ArrayList<>();

    @Override
    public void add(String sku) {
        skus.add(sku);
    }

    @Override
    public int size() {
        return skus.size();
    }

    @Override
    public List<String> skus() {
        return new ArrayList<>(skus);
    }
}
