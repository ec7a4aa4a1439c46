package sessionlab.shop;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The shop's cart: Serializable, and every field is too, so Tomcat can replicate it. */
public class Cart implements Basket, Serializable {
    private static final long serialVersionUID = 1L;

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
