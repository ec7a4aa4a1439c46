package sessionlab.shop;

/** A service object the shop looks prices up in: not Serializable, as services seldom are. */
public class Catalog {
    public String describe(String sku) {
        return "item " + sku;
    }
}
