package sessionlab.shop;

/**
 * Failure mode 2: a Serializable cart that keeps a reference to a service object that is not. setAttribute
 * accepts it; it fails only when Tomcat serializes the session (replication, persistence).
 */
public class CatalogCart extends Cart {
    private static final long serialVersionUID = 1L;

    private final Catalog catalog = new Catalog();

    public Catalog catalog() {
        return catalog;
    }
}
